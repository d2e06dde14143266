import type { InventoryItem } from '../domain/inventory-item';
import { type LiveReading, proveItems } from '../domain/read-back-proof';
import type { Clock } from '../ports/clock';
import type { MarketplaceClient } from '../ports/marketplace';
import type { Connection, InventoryRepository, Job } from '../ports/repositories';
import type { ConnectionCredentials } from '../ports/secret-store';
import { acquireReadSlot, type ReadBudgetDeps } from './read-budget';

/** Trendyol's read-back takes at most 50 barcodes per call. */
const READ_BACK_PAGE = 50;

/**
 * Reads Trendyol's live values for `barcodes` (pages of 50), each page taking a slot of the seller's
 * read-back budget when `deps` has a rate limiter. Returns null when a page could not be read (429,
 * 5xx, timeout, or no read slot freed up in time): nothing is proven then, and the caller tries
 * again later.
 */
export async function readLiveValues(
  deps: { marketplace: MarketplaceClient } & ReadBudgetDeps,
  connection: Connection,
  credentials: ConnectionCredentials,
  barcodes: readonly string[],
): Promise<LiveReading[] | null> {
  const values: LiveReading[] = [];
  for (let start = 0; start < barcodes.length; start += READ_BACK_PAGE) {
    if (!(await acquireReadSlot(deps, connection, 'read-back'))) return null;
    const outcome = await deps.marketplace.readBack(
      connection,
      credentials,
      barcodes.slice(start, start + READ_BACK_PAGE),
    );
    if (outcome.kind !== 'found') return null;
    values.push(...outcome.values);
  }
  return values;
}

/**
 * Reads back `items` of a job and records those proven live as confirmed (under the job's batch id,
 * or `read-back:<jobId>` when Trendyol never gave one). Returns the split, or null when the read
 * failed (nothing recorded).
 */
export async function confirmThroughReadBack(
  deps: { marketplace: MarketplaceClient; inventory: InventoryRepository; clock: Clock } & ReadBudgetDeps,
  job: Job,
  connection: Connection,
  credentials: ConnectionCredentials,
  items: readonly InventoryItem[] = job.items,
): Promise<{ live: InventoryItem[]; notLive: InventoryItem[] } | null> {
  const values = await readLiveValues(
    deps,
    connection,
    credentials,
    items.map((i) => i.barcode),
  );
  if (!values) return null;
  const proof = proveItems(items, values);
  if (proof.live.length > 0) {
    await deps.inventory.applyBatchResult(
      {
        connectionId: job.connectionId,
        jobId: job.id,
        batchRequestId: job.batchRequestId ?? `read-back:${job.id}`,
        results: proof.live.map((i) => ({ barcode: i.barcode, status: 'SUCCESS', failureReasons: [] })),
      },
      deps.clock.now(),
    );
  }
  return proof;
}

/**
 * Checks Trendyol's live values against all of a job's items. When all match, the job's values are
 * recorded as confirmed and true comes back.
 */
export async function verifyThroughReadBack(
  deps: { marketplace: MarketplaceClient; inventory: InventoryRepository; clock: Clock } & ReadBudgetDeps,
  job: Job,
  connection: Connection,
  credentials: ConnectionCredentials,
): Promise<boolean> {
  const values = await readLiveValues(
    deps,
    connection,
    credentials,
    job.items.map((i) => i.barcode),
  );
  if (!values || proveItems(job.items, values).notLive.length > 0) return false;
  await deps.inventory.applyBatchResult(
    {
      connectionId: job.connectionId,
      jobId: job.id,
      batchRequestId: job.batchRequestId ?? `read-back:${job.id}`,
      results: job.items.map((i) => ({ barcode: i.barcode, status: 'SUCCESS', failureReasons: [] })),
    },
    deps.clock.now(),
  );
  return true;
}
