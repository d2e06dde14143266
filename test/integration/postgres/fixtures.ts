import type { PostgresPushReadRepository } from '../../../lambdas/adapters/postgres/push-read-repository';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';
import type { TimelineEntry } from '../../../lambdas/ports/push-reads';
import type { NewConnection, NewPushJob } from '../../../lambdas/ports/repositories';

export const T0 = new Date('2026-01-13T16:54:56.747Z');
export const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

export function newConnection(id = 'conn-1'): NewConnection {
  return {
    id,
    type: 'trendyol',
    name: `Trendyol ${id}`,
    sellerId: 123456,
    baseUrl: 'https://apigw.trendyol.com/integration',
    integratorName: null,
    secretRef: `secret/${id}`,
    status: 'active',
    writeRateLimitPerMinute: 50,
  };
}

export function pushJob(id: string, items: InventoryItem[], overrides: Partial<NewPushJob> = {}): NewPushJob {
  return {
    id,
    status: 'queued',
    connectionId: 'conn-1',
    pushId: `push-${id}`,
    chunkIndex: 0,
    bodyHash: `hash-${id}`,
    body: JSON.stringify({ items }),
    items,
    options: {
      dryRun: false,
      force: false,
      forceWrite: false,
      originalCount: items.length,
      coalescedCount: items.length,
    },
    notBefore: null,
    recordsIntent: true,
    ...overrides,
  };
}

/** A barcode's whole timeline read `limit` entries at a time, each page after the last one's id. */
export async function pagedTimeline(
  reads: PostgresPushReadRepository,
  connectionId: string,
  barcode: string,
  limit: number,
): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  let cursor: number | null = null;
  for (;;) {
    const page = await reads.timeline(connectionId, barcode, cursor, limit);
    const last = page.at(-1);
    if (!last) return entries;
    entries.push(...page);
    cursor = last.id;
  }
}
