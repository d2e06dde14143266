import type { ProductVariant } from '../domain/catalog';
import type { InventoryItem } from '../domain/inventory-item';
import { MAX_ITEMS_PER_PUSH } from '../domain/inventory-item';
import type { Connection } from '../ports/repositories';
import { requireConnection } from './connections';
import { type PushDeps, pushItems } from './push-inventory';
import { type ReconcileDeps, type ReconcileReport, reconcileAll } from './reconcile-drift';

/** Catalog rows read per query: well under the Data API's 1 MiB response limit. */
const READ_PAGE = 2_000;

type PushBody = Awaited<ReturnType<typeof pushItems>>['body'];

/** What one connection's sync did; `retriedCount` counts values outside the catalog sent again. */
export interface CatalogSyncReport {
  connectionId: string;
  catalogCount: number;
  retriedCount: number;
  changedCount: number;
  enqueuedCount: number;
  heldCount: number;
  deferredCount: number;
  error?: string;
}

function variantToItem(v: ProductVariant): InventoryItem | null {
  if (v.quantity === null && v.salePrice === null && v.listPrice === null) return null;
  return {
    barcode: v.barcode,
    ...(v.quantity !== null && { quantity: v.quantity }),
    ...(v.salePrice !== null && { salePrice: v.salePrice }),
    ...(v.listPrice !== null && { listPrice: v.listPrice }),
  };
}

/**
 * Values outside the catalog that must go again: intents whose last send failed, and prices the
 * per-barcode budget deferred (from pushes) whose wait is over. A barcode in the catalog is left to
 * the catalog, which holds the seller's current value.
 */
async function leftovers(deps: PushDeps, connectionId: string, now: Date): Promise<InventoryItem[]> {
  const failed = await deps.inventory.listFailedIntents(connectionId, MAX_ITEMS_PER_PUSH);
  const budget = await deps.catalog.listHolds(connectionId, { kind: 'budget', after: null, limit: 10_000 });
  const due = budget.filter((h) => h.retryAt === null || Date.parse(h.retryAt) <= now.getTime());
  const byBarcode = new Map<string, InventoryItem>();
  for (const v of failed) {
    const item = variantToItem({ ...v, updatedAt: '' });
    if (item) byBarcode.set(v.barcode, item);
  }
  for (const h of due) {
    byBarcode.set(h.barcode, {
      ...byBarcode.get(h.barcode),
      barcode: h.barcode,
      ...(h.salePrice !== null && { salePrice: h.salePrice }),
      ...(h.listPrice !== null && { listPrice: h.listPrice }),
    });
  }
  if (byBarcode.size === 0) return [];
  const inCatalog = await deps.catalog.getVariants(connectionId, [...byBarcode.keys()]);
  return [...byBarcode.values()].filter((i) => !inCatalog.has(i.barcode));
}

const SUMMED = [
  'originalCount',
  'coalescedCount',
  'changedCount',
  'skippedCount',
  'chunkCount',
  'enqueuedCount',
  'dedupCount',
  'scheduledCount',
  'heldCount',
  'deferredCount',
] as const;

/** Several core runs (a catalog over 50,000 rows) answer as one: counts summed, jobs concatenated. */
function mergeBodies(bodies: PushBody[]): PushBody {
  const [first, ...rest] = bodies;
  if (!first) throw new Error('nothing to merge');
  if (rest.length === 0) return first;
  const merged: Record<string, unknown> = { ...first };
  for (const key of SUMMED) merged[key] = bodies.reduce((n, b) => n + b[key], 0);
  let offset = 0;
  merged.jobs = bodies.flatMap((b) => {
    const jobs = b.jobs.map((j) => ({ ...j, chunkIndex: j.chunkIndex + offset }));
    offset += b.chunkCount;
    return jobs;
  });
  merged.held = bodies.flatMap((b) => b.held ?? []).slice(0, 100);
  for (const key of ['jobId', 'bodyHash', 'dedup']) delete merged[key];
  return merged as PushBody;
}

/**
 * Syncs one connection: the catalog (when `includeCatalog`) plus the leftovers, through the push core
 * with domain values, in runs of at most 50,000 items. Only what differs from the accepted/confirmed
 * value is sent; the guards apply as for a push. Answers the push response plus `catalogCount` and
 * `retriedCount`. @throws AppError 409 for a paused connection.
 */
export async function syncConnection(
  deps: PushDeps,
  connection: Connection,
  options: { dryRun: boolean; includeCatalog: boolean },
) {
  const now = deps.clock.now();
  const extra = await leftovers(deps, connection.id, now);
  const flags = { dryRun: options.dryRun, force: false, forceWrite: false };
  const bodies: PushBody[] = [];
  let httpStatus = 200;
  let catalogCount = 0;
  // When the catalog accepted each value: freshness runs from the catalog change, not from this sync.
  const acceptedAt = new Map<string, string>();
  const run = async (items: InventoryItem[]) => {
    const result = await pushItems(deps, connection, items, flags, { listName: 'variants', acceptedAt });
    bodies.push(result.body);
    if (result.httpStatus === 202) httpStatus = 202;
  };
  let batch: InventoryItem[] = [];
  if (options.includeCatalog) {
    let after: string | null = null;
    for (;;) {
      const page = await deps.catalog.listVariants(connection.id, { after, limit: READ_PAGE });
      for (const v of page) {
        const item = variantToItem(v);
        if (item) {
          batch.push(item);
          acceptedAt.set(item.barcode, v.updatedAt);
        }
      }
      catalogCount += page.length;
      if (batch.length >= MAX_ITEMS_PER_PUSH - READ_PAGE) {
        await run(batch);
        batch = [];
      }
      const last = page.at(-1);
      if (page.length < READ_PAGE || !last) break;
      after = last.barcode;
    }
  }
  for (const item of extra) {
    batch.push(item);
    if (batch.length >= MAX_ITEMS_PER_PUSH) {
      await run(batch);
      batch = [];
    }
  }
  if (batch.length > 0 || bodies.length === 0) await run(batch);
  return {
    httpStatus,
    body: { ...mergeBodies(bodies), catalogCount, retriedCount: extra.length },
  };
}

/** `POST /v1/connections/:id/sync[?dryRun=1]`: the sync of one connection, on demand. */
export async function syncConnectionNow(deps: PushDeps, connectionId: string, options: { dryRun: boolean }) {
  const connection = await requireConnection(deps, connectionId);
  return syncConnection(deps, connection, { ...options, includeCatalog: true });
}

/**
 * The scheduled sync (EventBridge rate per stage; a timer locally). For every active connection it
 * sends what changed in the catalog when the connection's `autoSync` is on, and in every case the
 * leftovers (failed sends, budget-deferred prices), so Trendyol converges on what the seller wants
 * without anyone re-pushing by hand. One seller's failure never stops the others. Does nothing where
 * `TRENDYOL_WRITE_ENABLED` is off.
 */
export async function syncCatalog(deps: PushDeps): Promise<CatalogSyncReport[]> {
  const reports: CatalogSyncReport[] = [];
  // The schedule has no forceWrite: where writes are off (a dev stage) every tick would only create
  // jobs that send nothing, so it leaves the catalog alone; an on-demand sync still shows what would go.
  if (!deps.writeEnabledEnv) return reports;
  for (const connection of await deps.connections.list()) {
    if (connection.status !== 'active') continue;
    try {
      const settings = await deps.catalog.getSettings(connection.id);
      const { body } = await syncConnection(deps, connection, {
        dryRun: false,
        includeCatalog: settings.autoSync,
      });
      if (body.catalogCount === 0 && body.retriedCount === 0) continue;
      reports.push({
        connectionId: connection.id,
        catalogCount: body.catalogCount,
        retriedCount: body.retriedCount,
        changedCount: body.changedCount,
        enqueuedCount: body.enqueuedCount,
        heldCount: body.heldCount,
        deferredCount: body.deferredCount,
      });
    } catch (error) {
      reports.push({
        connectionId: connection.id,
        catalogCount: 0,
        retriedCount: 0,
        changedCount: 0,
        enqueuedCount: 0,
        heldCount: 0,
        deferredCount: 0,
        error: (error as Error).message,
      });
    }
  }
  return reports;
}

/**
 * One tick of the schedule (EventBridge on AWS, a timer under `npm start`): the catalog sync of every
 * active connection, then the next slice of drift reconciliation.
 */
export async function runScheduledSync(
  deps: ReconcileDeps,
): Promise<{ sync: CatalogSyncReport[]; drift: ReconcileReport[] }> {
  const sync = await syncCatalog(deps);
  const drift = await reconcileAll(deps);
  return { sync, drift };
}
