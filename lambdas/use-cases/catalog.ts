import { normalizeBarcode } from '../domain/barcode';
import {
  type CatalogUpsertRequest,
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  encodeCursor,
  type ProductVariant,
} from '../domain/catalog';
import type { InventoryItem } from '../domain/inventory-item';
import { centsToJsonNumber } from '../domain/money';
import { ValidationError } from '../domain/validation-error';
import type { DriftRecord, StoredHold } from '../ports/catalog';
import { requireConnection } from './connections';
import { type PushDeps, pushItems } from './push-inventory';

export type CatalogDeps = Pick<PushDeps, 'catalog' | 'connections' | 'clock'>;

const price = (cents: number | null) => (cents === null ? null : Number(centsToJsonNumber(cents)));

/** A variant as the API shows it: prices as decimal numbers (rendered from kuruş, never computed). */
export function toVariantView(v: ProductVariant) {
  return {
    barcode: v.barcode,
    quantity: v.quantity,
    salePrice: price(v.salePrice),
    listPrice: price(v.listPrice),
    updatedAt: v.updatedAt,
  };
}

function toHoldView(h: StoredHold) {
  return {
    barcode: h.barcode,
    reason: h.reason,
    message: h.message,
    salePrice: price(h.salePrice),
    listPrice: price(h.listPrice),
    referenceSalePrice: price(h.referenceSalePrice),
    retryAt: h.retryAt,
    heldAt: h.heldAt,
  };
}

/**
 * `PUT /v1/catalog/variants`: bulk-upserts up to 50,000 variants with the push's validation. A
 * variant giving only one price must keep listPrice ≥ salePrice against the stored row.
 * @throws ValidationError (400) for bad input, before anything is written; 404 unknown connection.
 */
export async function upsertCatalogVariants(deps: CatalogDeps, request: CatalogUpsertRequest) {
  const connection = await requireConnection(deps, request.connectionId);
  const partial = request.variants.filter((v) => (v.salePrice === undefined) !== (v.listPrice === undefined));
  if (partial.length > 0) {
    const stored = await deps.catalog.getVariants(
      connection.id,
      partial.map((v) => v.barcode),
    );
    const issues = partial.flatMap((v) => {
      const row = stored.get(v.barcode);
      const sale = v.salePrice ?? row?.salePrice ?? null;
      const list = v.listPrice ?? row?.listPrice ?? null;
      return sale !== null && list !== null && list < sale
        ? [
            {
              path: `variants.${v.barcode}`,
              message: `would leave listPrice below salePrice for barcode ${v.barcode}`,
            },
          ]
        : [];
    });
    if (issues.length > 0)
      throw new ValidationError(
        'The catalog upsert would break listPrice ≥ salePrice.',
        issues.slice(0, 100),
      );
  }
  const upsertedCount = await deps.catalog.upsertVariants(connection.id, request.variants, deps.clock.now());
  return {
    ok: true as const,
    connectionId: connection.id,
    receivedCount: request.receivedCount,
    coalescedCount: request.variants.length,
    upsertedCount,
    unchangedCount: request.variants.length - upsertedCount,
  };
}

/** A validated page query (the HTTP edge checks ids, barcode alphabet, limit and cursor shape). */
export interface PageQuery {
  connectionId: string;
  barcode?: string;
  /** Rows per page, 1–1000. @default 100 */
  limit?: number;
  /** A `nextCursor` from an earlier page. */
  cursor?: string;
}

/**
 * `GET /v1/catalog/variants?connectionId=…[&barcode=…][&limit=…][&cursor=…]` → `{items, nextCursor}`.
 * Pages in barcode order; `nextCursor` is null on the last page and is passed back as `cursor`.
 */
export async function listCatalogVariants(deps: CatalogDeps, q: PageQuery) {
  const connection = await requireConnection(deps, q.connectionId);
  const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.catalog.listVariants(connection.id, {
    after: q.cursor !== undefined ? decodeCursor(q.cursor) : null,
    ...(q.barcode !== undefined && { barcode: normalizeBarcode(q.barcode) }),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toVariantView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.barcode) : null,
  };
}

/** `GET /v1/inventory/held?connectionId=…[&kind=guard|budget]` → `{items, nextCursor}` (paged like the catalog). */
export async function listHeld(deps: CatalogDeps, q: PageQuery & { kind?: 'guard' | 'budget' }) {
  const connection = await requireConnection(deps, q.connectionId);
  const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.catalog.listHolds(connection.id, {
    after: q.cursor !== undefined ? decodeCursor(q.cursor) : null,
    ...(q.kind !== undefined && { kind: q.kind }),
    ...(q.barcode !== undefined && { barcodes: [normalizeBarcode(q.barcode)] }),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toHoldView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.barcode) : null,
  };
}

/**
 * `POST /v1/inventory/held/approve {connectionId, barcodes}`: sends the prices the price guard held for
 * these barcodes (the budget still applies). Answers the push response plus `approvedCount` and
 * `notHeld` (barcodes without a held price).
 */
export async function approveHeld(deps: PushDeps, input: { connectionId: string; barcodes: string[] }) {
  const barcodes = input.barcodes.map(normalizeBarcode);
  const connection = await requireConnection(deps, input.connectionId);
  const holds = await deps.catalog.listHolds(connection.id, {
    kind: 'guard',
    barcodes,
    after: null,
    limit: barcodes.length,
  });
  const held = new Set(holds.map((h) => h.barcode));
  const items: InventoryItem[] = holds.map((h) => ({
    barcode: h.barcode,
    ...(h.salePrice !== null && { salePrice: h.salePrice }),
    ...(h.listPrice !== null && { listPrice: h.listPrice }),
  }));
  const notHeld = [...new Set(barcodes)].filter((b) => !held.has(b));
  if (items.length === 0) {
    return { httpStatus: 200, body: { ok: true as const, approvedCount: 0, notHeld } };
  }
  const result = await pushItems(
    deps,
    connection,
    items,
    { dryRun: false, force: false, forceWrite: false },
    { skipPriceGuard: true },
  );
  // The barcode's timeline says an operator released the held price (and in which push it went).
  await deps.catalog.recordApprovals(connection.id, items, result.body.pushId, deps.clock.now());
  return { httpStatus: result.httpStatus, body: { ...result.body, approvedCount: items.length, notHeld } };
}

function toDriftView(d: DriftRecord) {
  const values = (v: DriftRecord['live']) => ({
    quantity: v.quantity,
    salePrice: price(v.salePrice),
    listPrice: price(v.listPrice),
  });
  return {
    barcode: d.barcode,
    kind: d.kind,
    action: d.action,
    confirmed: values(d.confirmed),
    live: values(d.live),
    detectedAt: d.detectedAt,
  };
}

/**
 * `GET /v1/inventory/drift?connectionId=…` → `{items, nextCursor}`: live values that differ from what
 * Trendyol confirmed, found by the last reconciliation of each barcode (paged like the catalog).
 */
export async function listDrift(deps: CatalogDeps, q: Omit<PageQuery, 'barcode'>) {
  const connection = await requireConnection(deps, q.connectionId);
  const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.catalog.listDrift(
    connection.id,
    q.cursor !== undefined ? decodeCursor(q.cursor) : null,
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toDriftView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.barcode) : null,
  };
}
