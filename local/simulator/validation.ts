import { toCents } from './money';

export type ValidationMode = 'sync' | 'per-item';

// Which value rules refuse the whole request (400) and which only fail the item in the batch result.
export interface SyncValidationOptions {
  quantityOverLimit: ValidationMode;
  negativeQuantity: ValidationMode;
  listPriceBelowSalePrice: ValidationMode;
}

export const DEFAULT_SYNC_VALIDATION: SyncValidationOptions = {
  quantityOverLimit: 'per-item',
  negativeQuantity: 'sync',
  listPriceBelowSalePrice: 'sync',
};

export const MAX_ITEMS_PER_REQUEST = 1000;
export const MAX_QUANTITY = 20_000;

export interface RequestItemEcho {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
}

export interface UpdateItem {
  barcode: string;
  quantity?: number;
  salePriceCents?: number;
  listPriceCents?: number;
  echo: RequestItemEcho;
}

export interface ValidationError {
  key: string;
  message: string;
}

export type ParseResult = { ok: true; items: UpdateItem[] } | { ok: false; error: ValidationError };

const ITEM_FIELDS = new Set(['barcode', 'quantity', 'salePrice', 'listPrice']);

function fail(key: string, message: string): ParseResult {
  return { ok: false, error: { key, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePrice(
  item: Record<string, unknown>,
  field: 'salePrice' | 'listPrice',
  index: number,
): { ok: true; cents: number | undefined; raw: number | null } | { ok: false; error: ValidationError } {
  const value = item[field];
  if (value === undefined) return { ok: true, cents: undefined, raw: null };
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return {
      ok: false,
      error: { key: 'item.field.type', message: `items[${index}].${field} must be a number` },
    };
  }
  // The seed's proof pushed 0 and the real Trendyol accepted it: only negative prices are refused.
  if (value < 0) {
    return {
      ok: false,
      error: { key: 'item.price.invalid', message: `items[${index}].${field} negatif olamaz` },
    };
  }
  const cents = toCents(value);
  if (cents === undefined) {
    return {
      ok: false,
      error: {
        key: 'item.price.decimal',
        message: `items[${index}].${field} en fazla 2 ondalık basamak içerebilir`,
      },
    };
  }
  return { ok: true, cents, raw: value };
}

// Strict on purpose: an unknown field (e.g. `currencyType`) is refused, so ECI can never silently send one.
export function parseUpdateBody(body: unknown, modes: SyncValidationOptions): ParseResult {
  if (!isRecord(body)) return fail('request.body.invalid', 'Request body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (key !== 'items') return fail('request.unknown.field', `Unknown field: ${key}`);
  }
  const rawItems = body.items;
  if (rawItems === undefined || rawItems === null) return fail('items.empty', 'items boş olamaz');
  if (!Array.isArray(rawItems)) return fail('item.field.type', 'items must be an array');
  if (rawItems.length === 0) return fail('items.empty', 'items boş olamaz');
  if (rawItems.length > MAX_ITEMS_PER_REQUEST) {
    return fail('items.size.exceeded', `Tek istekte en fazla ${MAX_ITEMS_PER_REQUEST} ürün gönderilebilir`);
  }
  const items: UpdateItem[] = [];
  for (const [index, raw] of rawItems.entries()) {
    if (!isRecord(raw)) return fail('item.field.type', `items[${index}] must be an object`);
    for (const key of Object.keys(raw)) {
      if (!ITEM_FIELDS.has(key)) return fail('item.unknown.field', `items[${index}]: unknown field ${key}`);
    }
    const barcode = raw.barcode;
    if (barcode === undefined || barcode === null) {
      return fail('item.barcode.blank', `items[${index}].barcode boş olamaz`);
    }
    if (typeof barcode !== 'string') {
      return fail('item.field.type', `items[${index}].barcode must be a string`);
    }
    if (barcode.trim() === '') return fail('item.barcode.blank', `items[${index}].barcode boş olamaz`);
    const quantity = raw.quantity;
    if (quantity !== undefined && (typeof quantity !== 'number' || !Number.isInteger(quantity))) {
      return fail('item.field.type', `items[${index}].quantity must be an integer`);
    }
    if (quantity !== undefined && quantity < 0 && modes.negativeQuantity === 'sync') {
      return fail('item.quantity.negative', `items[${index}].quantity negatif olamaz`);
    }
    if (quantity !== undefined && quantity > MAX_QUANTITY && modes.quantityOverLimit === 'sync') {
      return fail('item.quantity.max', `items[${index}].quantity ${MAX_QUANTITY}'den büyük olamaz`);
    }
    const sale = parsePrice(raw, 'salePrice', index);
    if (!sale.ok) return { ok: false, error: sale.error };
    const list = parsePrice(raw, 'listPrice', index);
    if (!list.ok) return { ok: false, error: list.error };
    if (
      sale.cents !== undefined &&
      list.cents !== undefined &&
      list.cents < sale.cents &&
      modes.listPriceBelowSalePrice === 'sync'
    ) {
      return fail('item.listPrice.invalid', `items[${index}].listPrice, salePrice değerinden küçük olamaz`);
    }
    const item: UpdateItem = {
      barcode,
      echo: { barcode, quantity: quantity ?? null, salePrice: sale.raw, listPrice: list.raw },
    };
    if (quantity !== undefined) item.quantity = quantity;
    if (sale.cents !== undefined) item.salePriceCents = sale.cents;
    if (list.cents !== undefined) item.listPriceCents = list.cents;
    items.push(item);
  }
  return { ok: true, items };
}
