import type { Clock } from '../ports/clock';
import type { MarketplaceClient } from '../ports/marketplace';
import type { Connection, InventoryRepository, Job } from '../ports/repositories';
import type { ConnectionCredentials } from '../ports/secret-store';

/** Trendyol's read-back takes at most 50 barcodes per call. */
const READ_BACK_PAGE = 50;

/**
 * Checks Trendyol's live values against a job's items. When all match, the job's values are recorded
 * as confirmed (the batch id is unknown, so the read-back stands in for it) and true comes back.
 */
export async function verifyThroughReadBack(
  deps: { marketplace: MarketplaceClient; inventory: InventoryRepository; clock: Clock },
  job: Job,
  connection: Connection,
  credentials: ConnectionCredentials,
): Promise<boolean> {
  for (let start = 0; start < job.items.length; start += READ_BACK_PAGE) {
    const page = job.items.slice(start, start + READ_BACK_PAGE);
    const outcome = await deps.marketplace.readBack(
      connection,
      credentials,
      page.map((i) => i.barcode),
    );
    if (outcome.kind !== 'found') return false;
    const live = new Map(outcome.values.map((v) => [v.barcode, v]));
    for (const item of page) {
      const value = live.get(item.barcode);
      if (!value) return false;
      if (item.quantity !== undefined && value.quantity !== item.quantity) return false;
      if (item.salePrice !== undefined && value.salePrice !== item.salePrice) return false;
      if (item.listPrice !== undefined && value.listPrice !== item.listPrice) return false;
    }
  }
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
