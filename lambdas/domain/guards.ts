import type { InventoryItem } from './inventory-item';
import type { Cents } from './money';

/**
 * Trendyol fails (per item, in the batch result) the 31st price update of one barcode inside a
 * minute (trendyol-contract.md, "Rate limits": 30 price updates per minute per barcode).
 */
export const PRICE_UPDATES_PER_BARCODE = 30;
export const PRICE_BUDGET_WINDOW_MS = 60_000;

/** Why a value is not sent now: a price guard (waits for approval) or the per-barcode budget (waits for time). */
export type HoldReason = 'PRICE_JUMP' | 'ZERO_PRICE' | 'PRICE_BUDGET';

/** The price part of an item kept back, with why. Held values never carry quantity (stock is sent at once). */
export interface HeldValue {
  barcode: string;
  salePrice?: Cents;
  listPrice?: Cents;
  reason: HoldReason;
  message: string;
  /** The last salePrice Trendyol confirmed (kuruş), when there is one. */
  referenceSalePrice: Cents | null;
  /** PRICE_BUDGET only: epoch ms from which the barcode may take a price update again. */
  retryAtMs: number | null;
}

/**
 * Stock buffer: `buffer` units of safety stock are withheld from what Trendyol may sell. Never
 * below 0 (Trendyol refuses negative stock). An item without quantity is returned unchanged.
 */
export function applyStockBuffer(item: InventoryItem, buffer: number): InventoryItem {
  if (item.quantity === undefined || buffer <= 0) return item;
  return { ...item, quantity: Math.max(0, item.quantity - buffer) };
}

export type PriceGuardDecision =
  | { held: false }
  | { held: true; reason: 'PRICE_JUMP' | 'ZERO_PRICE'; message: string };

/**
 * Price guard for one item that changes a barcode's value. Held when the item sets salePrice to 0
 * while the barcode will have stock (`quantityAfter` > 0), or when salePrice moves more than
 * `thresholdPercent` % away from the last **confirmed** salePrice. No confirmed price, or a confirmed
 * price of 0, gives no reference: the first real price is not a "jump". Integer kuruş arithmetic only.
 */
export function decidePriceGuard(input: {
  salePrice: Cents | undefined;
  quantityAfter: number | null;
  confirmedSalePrice: Cents | null;
  thresholdPercent: number;
}): PriceGuardDecision {
  const { salePrice, quantityAfter, confirmedSalePrice, thresholdPercent } = input;
  if (salePrice === undefined) return { held: false };
  if (salePrice === 0 && (quantityAfter ?? 0) > 0) {
    return {
      held: true,
      reason: 'ZERO_PRICE',
      message: `salePrice 0 with ${quantityAfter} in stock would give the product away`,
    };
  }
  if (confirmedSalePrice === null || confirmedSalePrice === 0) return { held: false };
  const change = Math.abs(salePrice - confirmedSalePrice);
  // change / confirmed > threshold / 100, cross-multiplied so no fraction is ever rounded.
  if (change * 100 > thresholdPercent * confirmedSalePrice) {
    const percent = Math.round((change * 100) / confirmedSalePrice);
    return {
      held: true,
      reason: 'PRICE_JUMP',
      message: `salePrice moves ${percent} % from the confirmed price (guard ${thresholdPercent} %)`,
    };
  }
  return { held: false };
}

export interface PriceBudgetDecision {
  allowed: boolean;
  /** Send times (epoch ms) still inside the window, oldest first. */
  recent: number[];
  /** When not allowed: the first epoch ms at which one more price update fits. */
  retryAtMs: number | null;
}

/**
 * Per-barcode price budget over a sliding window: allowed while fewer than `limit` price updates
 * were sent in the `windowMs` before `nowMs`. `sentAtMs` are earlier sends of this barcode (epoch ms).
 */
export function decidePriceBudget(
  sentAtMs: readonly number[],
  nowMs: number,
  limit = PRICE_UPDATES_PER_BARCODE,
  windowMs = PRICE_BUDGET_WINDOW_MS,
): PriceBudgetDecision {
  const recent = sentAtMs.filter((t) => t > nowMs - windowMs && t <= nowMs).sort((a, b) => a - b);
  if (recent.length < limit) return { allowed: true, recent, retryAtMs: null };
  // The oldest send that must leave the window before one more fits.
  const blocking = recent[recent.length - limit] ?? nowMs;
  return { allowed: false, recent, retryAtMs: blocking + windowMs };
}

/** Splits an item into its stock part (sent at once) and its price part (subject to the guards). */
export function splitPrice(item: InventoryItem): {
  stock: InventoryItem | null;
  price: InventoryItem | null;
} {
  const hasPrice = item.salePrice !== undefined || item.listPrice !== undefined;
  const stock = item.quantity !== undefined ? { barcode: item.barcode, quantity: item.quantity } : null;
  if (!hasPrice) return { stock: item.quantity !== undefined ? item : null, price: null };
  const price: InventoryItem = {
    barcode: item.barcode,
    ...(item.salePrice !== undefined && { salePrice: item.salePrice }),
    ...(item.listPrice !== undefined && { listPrice: item.listPrice }),
  };
  return { stock, price };
}

export interface GuardContext {
  /** Last confirmed salePrice per barcode (kuruş). */
  confirmedSalePrice: ReadonlyMap<string, Cents | null>;
  /** Quantity each barcode will have (item's, else the latest accepted), for the zero-price rule. */
  quantityAfter: ReadonlyMap<string, number | null>;
  /**
   * Barcodes whose quantity already equals the latest accepted (confirmed or in-flight) value: when
   * their price is kept back, nothing is left to send for them.
   */
  stockUnchanged?: ReadonlySet<string>;
  /** Earlier price sends per barcode (epoch ms). */
  priceSends: ReadonlyMap<string, readonly number[]>;
  thresholdPercent: number;
  nowMs: number;
  /** `force=1` or an approval: the price guard is skipped; the budget (Trendyol's rule) never is. */
  skipPriceGuard: boolean;
}

export interface GuardResult {
  /** What goes to Trendyol now (stock parts of held items included). */
  send: InventoryItem[];
  /** Price parts kept back by the price guard, waiting for approval. */
  held: HeldValue[];
  /** Price parts kept back by the per-barcode budget, sent by a later sync. */
  deferred: HeldValue[];
}

/**
 * The price part of `item` as a held or deferred value; its stock part, unless the quantity is
 * already the latest accepted one, still goes to `send`.
 */
function keepBackPrice(
  item: InventoryItem,
  k: {
    reason: HoldReason;
    message: string;
    retryAtMs: number | null;
    reference: Cents | null;
    send: InventoryItem[];
    stockUnchanged: ReadonlySet<string> | undefined;
  },
): HeldValue {
  const split = splitPrice(item);
  // Only when the price is kept back: the stock part alone would resend a value already there.
  const stock = k.stockUnchanged?.has(item.barcode) ? null : split.stock;
  if (stock) k.send.push(stock);
  return {
    ...split.price,
    barcode: item.barcode,
    reason: k.reason,
    message: k.message,
    referenceSalePrice: k.reference,
    retryAtMs: k.retryAtMs,
  };
}

/**
 * Runs the price guard and the per-barcode budget over the items that change something. A held or
 * deferred item still sends its quantity: a suspicious price must not freeze the seller's stock.
 */
export function guardItems(items: readonly InventoryItem[], ctx: GuardContext): GuardResult {
  const send: InventoryItem[] = [];
  const held: HeldValue[] = [];
  const deferred: HeldValue[] = [];
  for (const item of items) {
    if (item.salePrice === undefined && item.listPrice === undefined) {
      if (item.quantity !== undefined) send.push(item);
      continue;
    }
    const reference = ctx.confirmedSalePrice.get(item.barcode) ?? null;
    // The item is split into its stock and price parts only when the price is kept back (the rare
    // case): a push of 50,000 priced items otherwise allocated three objects per item for nothing.
    const { stockUnchanged } = ctx;
    if (!ctx.skipPriceGuard) {
      const guard = decidePriceGuard({
        salePrice: item.salePrice,
        quantityAfter: ctx.quantityAfter.get(item.barcode) ?? null,
        confirmedSalePrice: reference,
        thresholdPercent: ctx.thresholdPercent,
      });
      if (guard.held) {
        held.push(
          keepBackPrice(item, {
            reason: guard.reason,
            message: guard.message,
            retryAtMs: null,
            reference,
            send,
            stockUnchanged,
          }),
        );
        continue;
      }
    }
    const sends = ctx.priceSends.get(item.barcode);
    const budget = sends === undefined ? undefined : decidePriceBudget(sends, ctx.nowMs);
    if (budget !== undefined && !budget.allowed) {
      deferred.push(
        keepBackPrice(item, {
          reason: 'PRICE_BUDGET',
          message: `${PRICE_UPDATES_PER_BARCODE} price updates in the last minute (Trendyol's per-barcode limit); the latest value is sent when the budget allows`,
          retryAtMs: budget.retryAtMs,
          reference,
          send,
          stockUnchanged,
        }),
      );
      continue;
    }
    send.push(item);
  }
  return { send, held, deferred };
}
