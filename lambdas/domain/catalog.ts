import * as z from 'zod';
import { barcodeProblem } from './barcode';
import type { InventoryItem } from './inventory-item';
import { MAX_ITEMS_PER_PUSH } from './inventory-item';
import type { Cents } from './money';
import { pushItemSchema, toIssues } from './push-request';
import { ecIdSchema } from './text';
import { ValidationError, type ValidationIssue } from './validation-error';

/**
 * One row of a seller's catalog (the seed's `ProductVariant`): what the seller wants Trendyol to
 * show for a barcode. Prices in kuruş; a field never given is null and is never sent.
 */
export interface ProductVariant {
  barcode: string;
  quantity: number | null;
  salePrice: Cents | null;
  listPrice: Cents | null;
  /** ISO-8601 UTC of the last upsert that changed the row. */
  updatedAt: string;
}

/** Fields a catalog variant may carry: exactly the push item's; anything else is a 400. */
const VARIANT_FIELDS = new Set(['barcode', 'quantity', 'salePrice', 'listPrice', 'currencyType']);

const envelopeSchema = z
  .object({
    connectionId: ecIdSchema,
    variants: z
      .array(z.unknown(), { error: 'must be an array' })
      .min(1, 'must contain at least one variant')
      .max(MAX_ITEMS_PER_PUSH, `must contain at most ${MAX_ITEMS_PER_PUSH} variants`),
  })
  .strict();

export interface CatalogUpsertRequest {
  connectionId: string;
  /** Coalesced by barcode, last one wins. */
  variants: InventoryItem[];
  /** How many variants the body carried before coalescing. */
  receivedCount: number;
}

/**
 * Validates `PUT /v1/catalog/variants` with the push's item rules (same schema, same error shape,
 * paths `variants.N.field`), refusing unknown fields. Duplicate barcodes coalesce, last one wins.
 * @throws ValidationError listing every violation (first 100).
 */
export function parseCatalogUpsert(body: unknown): CatalogUpsertRequest {
  const envelope = envelopeSchema.safeParse(body);
  const issues: ValidationIssue[] = envelope.success ? [] : toIssues(envelope.error);
  const raw = (body as { variants?: unknown } | null)?.variants;
  const checkItems = Array.isArray(raw) && raw.length <= MAX_ITEMS_PER_PUSH;
  const byBarcode = new Map<string, InventoryItem>();
  for (const [index, value] of (checkItems ? raw : []).entries()) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (!VARIANT_FIELDS.has(key))
          issues.push({ path: `variants.${index}.${key}`, message: 'unknown field' });
      }
    }
    const parsed = pushItemSchema.safeParse(value);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, ['variants', index]));
      continue;
    }
    const { barcode, quantity, salePrice, listPrice } = parsed.data;
    byBarcode.delete(barcode);
    byBarcode.set(barcode, {
      barcode,
      ...(quantity !== undefined && { quantity }),
      ...(salePrice !== undefined && { salePrice }),
      ...(listPrice !== undefined && { listPrice }),
    });
  }
  if (!envelope.success || issues.length > 0) {
    throw new ValidationError('The catalog upsert is invalid.', issues.slice(0, 100));
  }
  return {
    connectionId: envelope.data.connectionId,
    variants: [...byBarcode.values()],
    receivedCount: (raw as unknown[]).length,
  };
}

/** Page size of `GET /v1/catalog/variants`: default 100, at most 1000. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * The cursor is opaque to callers: base64url of `{"after":"<last barcode of the page>"}`. Pages are
 * in barcode order, so a row inserted behind the cursor is not seen and nothing is seen twice.
 */
export function encodeCursor(afterBarcode: string): string {
  return Buffer.from(JSON.stringify({ after: afterBarcode }), 'utf8').toString('base64url');
}

/** @throws ValidationError (path `cursor`) when the text is not a cursor this API issued. */
export function decodeCursor(cursor: string): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Exactly `{after: <barcode>}`: a forged cursor (NUL, surrogates, extra keys) never reaches the
    // database (review finding: `{"after":"\u0000"}` was a 500).
    if (
      typeof value === 'object' &&
      value !== null &&
      Object.keys(value).length === 1 &&
      typeof (value as { after?: unknown }).after === 'string' &&
      barcodeProblem((value as { after: string }).after) === undefined
    ) {
      return (value as { after: string }).after;
    }
  } catch {
    // falls through to the validation error below
  }
  throw new ValidationError('The cursor is invalid.', [
    { path: 'query.cursor', message: 'must be a nextCursor returned by this route' },
  ]);
}
