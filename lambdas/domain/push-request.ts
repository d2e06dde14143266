import * as z from 'zod';
import { barcodeProblem, normalizeBarcode } from './barcode';
import type { InventoryItem } from './inventory-item';
import { MAX_ITEMS_PER_PUSH, MAX_QUANTITY } from './inventory-item';
import { parseMoney } from './money';
import { ecIdSchema, refineSafeText } from './text';
import { ValidationError, type ValidationIssue } from './validation-error';

const money = z.unknown().transform((value, ctx) => {
  const parsed = parseMoney(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.cents;
});

/**
 * One item of a push (also a catalog variant). Unknown fields (e.g. `salesPrice` for `salePrice`) are refused with their path
 * rather than dropped: a misspelt price would otherwise be a silent no-op.
 */
export const pushItemSchema = z
  .strictObject({
    barcode: z
      .string({ error: 'must be a string' })
      .superRefine(refineSafeText)
      .transform(normalizeBarcode)
      .superRefine((b, ctx) => {
        const problem = barcodeProblem(b);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    quantity: z
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(0, 'must not be negative')
      .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY} (Trendyol's stock limit)`)
      .optional(),
    salePrice: money.optional(),
    listPrice: money.optional(),
    // Trendyol's price-and-inventory endpoint takes no currency; ECI accepts only TRY and never sends it.
    currencyType: z.literal('TRY', { error: 'only "TRY" is supported' }).optional(),
  })
  .superRefine((item, ctx) => {
    if (item.quantity === undefined && item.salePrice === undefined && item.listPrice === undefined) {
      ctx.addIssue({ code: 'custom', message: 'nothing to update: give quantity, salePrice or listPrice' });
    }
    if (item.salePrice !== undefined && item.listPrice !== undefined && item.listPrice < item.salePrice) {
      ctx.addIssue({ code: 'custom', path: ['listPrice'], message: 'must not be lower than salePrice' });
    }
  });

const pushRequestSchema = z.strictObject({
  connectionId: ecIdSchema,
  items: z
    .array(z.unknown(), { error: 'must be an array' })
    .min(1, 'must contain at least one item')
    .max(MAX_ITEMS_PER_PUSH, `must contain at most ${MAX_ITEMS_PER_PUSH} items`),
});

/** The whole push body as one schema, for documentation (OpenAPI); {@link parsePushRequest} validates. */
export const pushRequestBodySchema = pushRequestSchema.extend({
  items: z.array(pushItemSchema).min(1).max(MAX_ITEMS_PER_PUSH),
});

export interface PushRequest {
  connectionId: string;
  items: InventoryItem[];
}

/**
 * Zod issues as ECI's `{path, message}` list. An unknown key becomes one issue per key at the key's own
 * path (`items.0.salesPrice: unknown field`), so a misspelt field is named where it is.
 */
export function toIssues(error: z.ZodError, prefix: (string | number)[] = []): ValidationIssue[] {
  const at = (path: PropertyKey[]) => [...prefix, ...path].map(String).join('.') || '(body)';
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'unknown field' }))
      : [{ path: at(issue.path), message: issue.message }],
  );
}

/**
 * Validates and normalises a push body. Every violation is collected with its path; nothing is
 * partially accepted.
 */
export function parsePushRequest(body: unknown): PushRequest {
  const envelope = pushRequestSchema.safeParse(body);
  const rawItems = (body as { items?: unknown } | null)?.items;
  const issues: ValidationIssue[] = envelope.success ? [] : toIssues(envelope.error);
  // Item errors are reported alongside envelope errors (e.g. a blank connectionId), so one round trip
  // shows everything; only a missing or oversized item list stops item checks.
  const checkItems = Array.isArray(rawItems) && rawItems.length <= MAX_ITEMS_PER_PUSH;
  const items: InventoryItem[] = [];
  for (const [index, raw] of (checkItems ? rawItems : []).entries()) {
    const parsed = pushItemSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, ['items', index]));
      continue;
    }
    const { barcode, quantity, salePrice, listPrice } = parsed.data;
    items.push({
      barcode,
      ...(quantity !== undefined && { quantity }),
      ...(salePrice !== undefined && { salePrice }),
      ...(listPrice !== undefined && { listPrice }),
    });
  }
  if (!envelope.success || issues.length > 0) {
    const message = envelope.success
      ? `${issues.length} item field(s) are invalid.`
      : 'The push request is invalid.';
    throw new ValidationError(message, issues.slice(0, 100));
  }
  return { connectionId: envelope.data.connectionId, items };
}
