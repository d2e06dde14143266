import { chunkItems } from '../domain/chunk';
import { REVERT_MARGIN_MS } from '../domain/dedup-decision';
import { DEDUP_WINDOW_MS } from '../domain/inventory-item';
import type { ChunkQueue } from '../ports/chunk-queue';
import type { Clock } from '../ports/clock';
import type { DedupStore } from '../ports/dedup-store';
import type { InventoryRepository, JobRepository } from '../ports/repositories';

export interface ReleaseDeps {
  jobs: JobRepository;
  inventory: InventoryRepository;
  dedup: DedupStore;
  queue: ChunkQueue;
  clock: Clock;
}

export interface ReleaseReport {
  released: string[];
  superseded: string[];
  deferred: string[];
}

/**
 * Enqueues jobs that waited out Trendyol's 15-minute window (reverts, and sends whose outcome was
 * unknown). Items a newer push changed meanwhile are dropped, so an old value never overwrites a newer
 * one; a job left with nothing to send ends as superseded.
 */
export async function releaseScheduledJobs(deps: ReleaseDeps, limit = 100): Promise<ReleaseReport> {
  const report: ReleaseReport = { released: [], superseded: [], deferred: [] };
  const due = await deps.jobs.listDueScheduled(deps.clock.now(), limit);
  for (const job of due) {
    const known = await deps.inventory.findKnownValues(
      job.connectionId,
      job.items.map((i) => i.barcode),
    );
    const current = job.items.filter((i) => known.get(i.barcode)?.jobId === job.id);
    const now = deps.clock.now();
    if (current.length === 0) {
      await deps.jobs.finish(
        job.id,
        {
          status: 'success',
          summary: {
            ...(job.summary ?? {}),
            note: 'superseded: newer pushes changed every item before delivery',
          },
          error: null,
        },
        now,
      );
      report.superseded.push(job.id);
      continue;
    }
    const [chunk] = chunkItems(current, current.length);
    if (!chunk) continue;
    const claim = await deps.dedup.claim({
      connectionId: job.connectionId,
      bodyHash: chunk.bodyHash,
      jobId: job.id,
      now,
      windowMs: DEDUP_WINDOW_MS,
    });
    if (!claim.claimed && claim.existing.jobId !== job.id) {
      // Another job sent these exact bytes recently: wait for that window as well.
      const notBefore = new Date(claim.existing.createdAt.getTime() + DEDUP_WINDOW_MS + REVERT_MARGIN_MS);
      await deps.jobs.reschedule(
        job.id,
        notBefore,
        { code: 'WAITING_FOR_WINDOW', message: `Held until ${notBefore.toISOString()}.` },
        now,
      );
      report.deferred.push(job.id);
      continue;
    }
    await deps.jobs.releaseScheduled(
      job.id,
      { items: chunk.items, body: chunk.body, bodyHash: chunk.bodyHash },
      now,
    );
    await deps.queue.send([
      {
        jobId: job.id,
        connectionId: job.connectionId,
        groupId: job.connectionId,
        deduplicationId: chunk.bodyHash,
      },
    ]);
    report.released.push(job.id);
  }
  return report;
}
