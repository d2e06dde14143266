import { chunkItems } from '../domain/chunk';
import { REVERT_MARGIN_MS } from '../domain/dedup-decision';
import { DEDUP_WINDOW_MS } from '../domain/inventory-item';
import { confirmationOf } from '../domain/job-confirmation';
import { proveItem } from '../domain/read-back-proof';
import {
  decideUnknownOutcome,
  READ_BACK_DELAY_MS,
  type UnknownOutcomeMarker,
  unknownOutcomeOf,
} from '../domain/unknown-outcome';
import type { ChunkQueue } from '../ports/chunk-queue';
import type { Clock } from '../ports/clock';
import type { DedupStore } from '../ports/dedup-store';
import type { IdGenerator } from '../ports/id-generator';
import type { MarketplaceClient } from '../ports/marketplace';
import type {
  Connection,
  ConnectionRepository,
  InventoryRepository,
  Job,
  JobRepository,
} from '../ports/repositories';
import type { ConnectionCredentials, SecretStore } from '../ports/secret-store';
import { scheduleCorrection } from './poll-batch';
import { confirmThroughReadBack, readLiveValues } from './read-back';
import type { ReadBudgetDeps } from './read-budget';

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
  /** For the correction of a value an unknown-outcome job overwrote after a newer one. */
  ids?: IdGenerator;
  /**
   * The seller's read-back budget, shared with the pollers and drift reconciliation: every read-back
   * page takes a slot (waiting on `sleep`), so releases never push the seller over Trendyol's read
   * limits. Without it (unit harnesses) read-backs are not budgeted.
   */
  rateLimiter?: ReadBudgetDeps['rateLimiter'];
  sleep?: ReadBudgetDeps['sleep'];
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
    if (marker && !marker.resend && now.getTime() < Date.parse(marker.resolveUntil)) {
      // Still inside the read-back window: even a job whose values newer pushes took over is read,
      // since its body may still land on Trendyol after theirs.
      await resolveByReadBack(deps, job, current, marker, report);
      continue;
    }
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
        // Per job, not per body: SQS FIFO drops a message whose dedup id it saw in the last 5 minutes,
        // and a released job (revert, correction, resend) may carry the bytes of a recent message.
        deduplicationId: `${chunk.bodyHash}-${job.id}`.slice(0, 128),
      },
    ]);
    report.released.push(job.id);
  }
  return report;
}

/**
 * A job whose outcome is unknown may still land after a newer push of the same barcode was confirmed
 * (Trendyol then holds the older value). For the job's values newer pushes took over, a live value
 * equal to this job's and different from the confirmed one is corrected like an overtaken batch.
 */
async function correctOvertaken(
  deps: ReleaseDeps,
  job: Job,
  connection: Connection,
  credentials: ConnectionCredentials,
  current: Job['items'],
) {
  const currentBarcodes = new Set(current.map((i) => i.barcode));
  const overtaken = job.items.filter((i) => !currentBarcodes.has(i.barcode));
  if (overtaken.length === 0) return;
  const states = await deps.inventory.getBarcodeStates(
    job.connectionId,
    overtaken.map((i) => i.barcode),
    0,
  );
  const confirmedElsewhere = new Map(
    states
      .filter((s) => s.confirmed && s.inFlight?.status === 'confirmed')
      .map((s) => [s.barcode, s.confirmed]),
  );
  const candidates = overtaken.filter((i) => confirmedElsewhere.has(i.barcode));
  if (candidates.length === 0) return;
  const live = await readLiveValues(
    deps,
    connection,
    credentials,
    candidates.map((i) => i.barcode),
  );
  if (!live) return;
  const byBarcode = new Map(live.map((v) => [v.barcode, v]));
  const drifted = candidates
    .filter((i) => {
      const value = byBarcode.get(i.barcode);
      const confirmed = confirmedElsewhere.get(i.barcode);
      if (!value || !confirmed) return false;
      const holdsThisJob = proveItem(i, value) === 'live';
      const differsFromConfirmed =
        value.quantity !== confirmed.quantity ||
        value.salePrice !== confirmed.salePrice ||
        value.listPrice !== confirmed.listPrice;
      return holdsThisJob && differsFromConfirmed;
    })
    .map((i) => i.barcode);
  if (drifted.length === 0) return;
  await deps.inventory.markDrifted(
    job.connectionId,
    drifted,
    `Trendyol applied the older chunk of job ${job.id} after the confirmed value; it will be sent again.`,
    deps.clock.now(),
  );
  await scheduleCorrection(deps, job, drifted);
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
  if (connection && credentials) await correctOvertaken(deps, job, connection, credentials, current);
  const now = deps.clock.now();
  const step =
    current.length === 0 && now.getTime() < Date.parse(marker.resolveUntil)
      ? // Nothing left to confirm, but the body may still land over newer values: keep watching.
        ({ kind: 'read-again', at: new Date(now.getTime() + READ_BACK_DELAY_MS) } as const)
      : decideUnknownOutcome({
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
