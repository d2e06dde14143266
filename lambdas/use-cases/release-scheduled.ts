import { chunkItems } from '../domain/chunk';
import { REVERT_MARGIN_MS } from '../domain/dedup-decision';
import { DEDUP_WINDOW_MS } from '../domain/inventory-item';
import { confirmationOf } from '../domain/job-confirmation';
import { decideUnknownOutcome, type UnknownOutcomeMarker, unknownOutcomeOf } from '../domain/unknown-outcome';
import type { ChunkQueue } from '../ports/chunk-queue';
import type { Clock } from '../ports/clock';
import type { DedupStore } from '../ports/dedup-store';
import type { MarketplaceClient } from '../ports/marketplace';
import type { ConnectionRepository, InventoryRepository, Job, JobRepository } from '../ports/repositories';
import type { SecretStore } from '../ports/secret-store';
import { confirmThroughReadBack } from './read-back';

export interface ReleaseDeps {
  jobs: JobRepository;
  inventory: InventoryRepository;
  dedup: DedupStore;
  queue: ChunkQueue;
  clock: Clock;
  /** For resolving unknown outcomes by read-back. */
  connections: ConnectionRepository;
  secrets: SecretStore;
  marketplace: MarketplaceClient;
}

export interface ReleaseReport {
  released: string[];
  superseded: string[];
  deferred: string[];
  /** Jobs whose unknown outcome was resolved: confirmed by read-back. */
  confirmed: string[];
  /** Jobs read back and still being resolved (read again later, or waiting to be sent again). */
  resolving: string[];
}

/**
 * Runs every minute. Resolves jobs whose send outcome was unknown (read-back over two minutes, then
 * the values still different are sent once Trendyol's window allows), and enqueues jobs that waited
 * out Trendyol's 15-minute window (reverts, corrections, resends). Items a newer push changed
 * meanwhile, or already confirmed, are dropped, so an old value never overwrites a newer one; a job
 * left with nothing to send ends as superseded.
 */
export async function releaseScheduledJobs(deps: ReleaseDeps, limit = 100): Promise<ReleaseReport> {
  const report: ReleaseReport = { released: [], superseded: [], deferred: [], confirmed: [], resolving: [] };
  const due = await deps.jobs.listDueScheduled(deps.clock.now(), limit);
  for (const job of due) {
    const known = await deps.inventory.findKnownValues(
      job.connectionId,
      job.items.map((i) => i.barcode),
    );
    // Still this job's to deliver: not changed by a newer push, not confirmed already.
    const current = job.items.filter((i) => {
      const value = known.get(i.barcode);
      return value?.jobId === job.id && value.status !== 'confirmed';
    });
    const now = deps.clock.now();
    const marker = unknownOutcomeOf(job.summary);
    if (current.length === 0) {
      const note = marker
        ? 'every value is confirmed or was changed by a newer push'
        : 'superseded: newer pushes changed every item before delivery';
      await deps.jobs.finish(
        job.id,
        { status: 'success', summary: { ...(job.summary ?? {}), note }, error: null },
        now,
      );
      if (marker) await settleResolved(deps, job, report);
      else report.superseded.push(job.id);
      continue;
    }
    if (marker && !marker.resend) {
      await resolveByReadBack(deps, job, current, marker, report);
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
    if (marker) {
      // Sent again from here on: a new refusal starts a new resolution.
      await deps.jobs.mergeSummary(job.id, { outcomeUnknown: null }, now);
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
        // A resend of the same bytes must not be dropped as a duplicate message by SQS FIFO.
        deduplicationId: marker
          ? `${chunk.bodyHash}-${job.id}-${now.getTime()}`.slice(0, 128)
          : chunk.bodyHash,
      },
    ]);
    report.released.push(job.id);
  }
  return report;
}

async function resolveByReadBack(
  deps: ReleaseDeps,
  job: Job,
  current: Job['items'],
  marker: UnknownOutcomeMarker,
  report: ReleaseReport,
) {
  const connection = await deps.connections.get(job.connectionId);
  const credentials = connection ? await deps.secrets.get(connection.secretRef) : undefined;
  const proof =
    connection && credentials
      ? await confirmThroughReadBack(deps, job, connection, credentials, current)
      : null;
  const now = deps.clock.now();
  const step = decideUnknownOutcome({
    marker,
    notLive: proof?.notLive.length ?? current.length,
    readFailed: proof === null,
    now,
  });
  switch (step.kind) {
    case 'confirmed':
      await deps.jobs.finish(
        job.id,
        {
          status: 'success',
          summary: { note: "Trendyol's live values show this chunk applied (read-back)" },
          error: null,
        },
        now,
      );
      await settleResolved(deps, job, report);
      return;
    case 'read-again':
      await deps.jobs.reschedule(
        job.id,
        step.at,
        { code: 'OUTCOME_UNKNOWN', message: `${marker.reason} Reading Trendyol's live values again.` },
        now,
      );
      report.resolving.push(job.id);
      return;
    case 'resend':
      await deps.jobs.mergeSummary(job.id, { outcomeUnknown: { ...marker, resend: true } }, now);
      await deps.jobs.reschedule(
        job.id,
        step.at,
        {
          code: 'OUTCOME_UNKNOWN',
          message: `${proof?.notLive.length ?? current.length} value(s) are not live on Trendyol; they will be sent again at ${step.at.toISOString()}.`,
        },
        now,
      );
      report.resolving.push(job.id);
      return;
    default: {
      const never: never = step;
      throw new Error(`unhandled step ${JSON.stringify(never)}`);
    }
  }
}

/** Records the job's confirmation once its unknown outcome is resolved (values confirmed or overtaken). */
async function settleResolved(deps: ReleaseDeps, job: Job, report: ReleaseReport) {
  const now = deps.clock.now();
  const known = await deps.inventory.findKnownValues(
    job.connectionId,
    job.items.map((i) => i.barcode),
  );
  const confirmed = job.items.filter((i) => {
    const value = known.get(i.barcode);
    return value?.jobId === job.id && value.status === 'confirmed';
  }).length;
  // Items a newer push took over were never proven live for this job: unresolved, not failed.
  const counts = { confirmed, failed: 0, unresolved: job.items.length - confirmed };
  const confirmation = confirmationOf(counts);
  const recorded = await deps.jobs.recordSettlement(
    job.id,
    {
      confirmation,
      counts,
      summary: { confirmation: { status: 'READ_BACK', settledAt: now.toISOString() } },
    },
    now,
  );
  if (recorded && confirmed > 0) {
    await deps.connections.updateState(
      job.connectionId,
      { lastStatus: 'SUCCESS', lastError: null, lastSuccessAt: now.toISOString() },
      now,
    );
  }
  report.confirmed.push(job.id);
}
