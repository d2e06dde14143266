import { trendyolWriteBudgetKey, trendyolWriteBudgets } from '../domain/rate-budget';
import { decideSendOutcome, fullJitterBackoffMs } from '../domain/send-outcome';
import { startUnknownOutcome } from '../domain/unknown-outcome';
import { decideWriteGate } from '../domain/write-gate';
import type { Clock } from '../ports/clock';
import type { ConfirmationWorkflow } from '../ports/confirmation-workflow';
import type { DedupStore } from '../ports/dedup-store';
import type { MarketplaceClient } from '../ports/marketplace';
import type { RateLimiter } from '../ports/rate-limiter';
import type {
  Connection,
  ConnectionRepository,
  InventoryRepository,
  Job,
  JobError,
  JobRepository,
} from '../ports/repositories';
import type { SecretStore } from '../ports/secret-store';
import { takeFreshSlot } from './fresh-slot';

export interface ConsumeDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
  dedup: DedupStore;
  secrets: SecretStore;
  marketplace: MarketplaceClient;
  rateLimiter: RateLimiter;
  workflow: ConfirmationWorkflow;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  writeEnabledEnv: boolean;
  forceWriteAllowed: boolean;
  /** Sends tried within one delivery before the message is handed back to the queue. */
  inlineAttempts?: number;
  /** Longest rate-limit wait taken inside one delivery. */
  maxInlineWaitMs?: number;
  /** Uniform [0, 1) source for backoff jitter. @default Math.random */
  random?: () => number;
}

/** A failure worth another delivery: the message returns to the queue (and ends in the DLQ if it keeps failing). */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export type ConsumeResult =
  | { outcome: 'already-finished' }
  | { outcome: 'not-due'; notBefore: string }
  | { outcome: 'skipped'; note: string }
  | { outcome: 'accepted'; batchRequestId: string }
  | { outcome: 'confirmed-by-read-back' }
  | { outcome: 'rescheduled'; notBefore: string }
  | { outcome: 'failed'; code: string };

function summaryBase(job: Job, deps: ConsumeDeps, startedAtMs: number) {
  const gate = decideWriteGate({
    dryRun: job.options.dryRun,
    forceWriteParam: job.options.forceWrite,
    writeEnabledEnv: deps.writeEnabledEnv,
    forceWriteAllowed: deps.forceWriteAllowed,
  });
  const summary: Record<string, unknown> = {
    dryRun: job.options.dryRun,
    bodyHash: job.bodyHash,
    itemCount: job.itemCount,
    durationMs: deps.clock.now().getTime() - startedAtMs,
    writeEnabled: gate.writeEnabled,
    originalCount: job.options.originalCount,
    coalescedCount: job.options.coalescedCount,
    forceWriteParam: job.options.forceWrite,
    writeEnabledEnv: deps.writeEnabledEnv,
    forceWriteAllowed: deps.forceWriteAllowed,
    forceWriteEffective: gate.forceWriteEffective,
  };
  return { gate, summary };
}

/**
 * Sends one chunk job to Trendyol, at most once in effect: a finished job is only acknowledged, an
 * accepted job is never sent again, and a 15-minute refusal is resolved instead of failing.
 */
export async function consumeChunk(
  deps: ConsumeDeps,
  input: { jobId: string; receiveCount: number; maxReceiveCount: number },
): Promise<ConsumeResult> {
  const startedAtMs = deps.clock.now().getTime();
  // A scheduled job (a revert, a correction, an unknown outcome being read back) is only ever sent
  // through the release, which queues it and sends a new message. Any message that finds it scheduled
  // is a stale or duplicate delivery, even once its time has come, and must not send the body
  // (startAttempt leaves a scheduled job as it is).
  // The job's connection comes back with it (one round trip fewer per chunk).
  const { before: waiting, job, connection } = await deps.jobs.startAttempt(input.jobId, deps.clock.now());
  if (waiting?.status === 'scheduled') {
    return { outcome: 'not-due', notBefore: waiting.notBefore ?? new Date(startedAtMs).toISOString() };
  }
  if (!job) return { outcome: 'already-finished' };
  const { gate, summary } = summaryBase(job, deps, startedAtMs);

  const fail = async (error: JobError, lastStatus: 'FAILED' | 'ERROR', releaseDedup: boolean) => {
    await deps.jobs.finish(
      job.id,
      {
        status: 'failed',
        summary: { ...summaryBase(job, deps, startedAtMs).summary, note: error.message },
        error,
      },
      deps.clock.now(),
    );
    await deps.connections.updateState(
      job.connectionId,
      { lastStatus, lastError: error.message, lastJobId: job.id },
      deps.clock.now(),
    );
    // Trendyol never took this body, so a corrected retry must not be held as a duplicate.
    if (releaseDedup) await deps.dedup.release(job.connectionId, job.bodyHash, job.id);
    return { outcome: 'failed' as const, code: error.code };
  };

  if (!connection) {
    return fail(
      { code: 'CONNECTION_NOT_FOUND', message: `Connection ${job.connectionId} no longer exists.` },
      'FAILED',
      true,
    );
  }
  if (!gate.writeEnabled) {
    const note = gate.note ?? 'remote call skipped';
    if (!job.options.dryRun && (await holdsIntents(deps, job))) {
      // Writes were switched off after this chunk was accepted for sending: its values must not stay
      // "in flight" for ever, so the job fails and the next push or catalog sync sends them again.
      return fail(
        { code: 'WRITES_DISABLED', message: `Writes were disabled before the chunk was sent: ${note}` },
        'FAILED',
        true,
      );
    }
    await deps.jobs.finish(
      job.id,
      { status: 'success', summary: { ...summary, note }, error: null },
      deps.clock.now(),
    );
    return { outcome: 'skipped', note };
  }
  if (job.batchRequestId) {
    // An earlier delivery got Trendyol's answer but stopped before finishing: never send it again.
    return handOff(deps, job, job.batchRequestId, summary);
  }
  if (waiting?.status === 'running' && waiting.attempts > 0) {
    // The previous delivery stopped mid-send (a crash between Trendyol's answer and the database
    // write): Trendyol may hold the body since then, so it is resolved by read-back, not sent blindly.
    return resolveUnknownOutcome(deps, job, connection, {
      windowFrom: new Date(waiting.updatedAt),
      reason: 'A previous delivery stopped while sending this chunk; its outcome is unknown.',
    });
  }
  if (connection.status === 'paused') {
    return fail(
      {
        code: 'CONNECTION_PAUSED',
        message: `Connection ${connection.id} was paused before the chunk was sent.`,
      },
      'FAILED',
      true,
    );
  }

  await deps.connections.updateState(
    connection.id,
    { lastAttemptAt: deps.clock.now().toISOString(), lastStatus: 'RUNNING', lastJobId: job.id },
    deps.clock.now(),
  );
  const credentials = await deps.secrets.get(connection.secretRef);
  const attempts = deps.inlineAttempts ?? 3;
  const random = deps.random ?? Math.random;
  let reason = 'not sent';
  let retryAfterMs = 0;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    // The slot is taken right before the send (nothing in between but the call itself), so the
    // request reaches Trendyol within the arrival margin of its grant.
    try {
      await acquireSendSlot(deps, connection);
    } catch (slotError) {
      // Nothing was sent in this attempt: the job is plainly queued again, not "stopped mid-send".
      await deps.jobs.requeue(
        job.id,
        { code: 'RATE_LIMITED', message: (slotError as Error).message },
        deps.clock.now(),
      );
      throw slotError;
    }
    const sentAt = deps.clock.now();
    const outcome = await deps.marketplace.updatePriceAndInventory(connection, credentials, job.body);
    const action = decideSendOutcome({ outcome, attempt, attempts, connectionId: connection.id, random });
    switch (action.kind) {
      case 'record-accepted': {
        const accepted = {
          ...summaryBase(job, deps, startedAtMs).summary,
          response: { batchRequestId: action.batchRequestId },
          batchRequestId: action.batchRequestId,
        };
        // Writes the SUCCESS connection state too, before the workflow starts.
        await deps.jobs.recordAccepted(job.id, action.batchRequestId, accepted, deps.clock.now());
        return handOff(deps, job, action.batchRequestId, accepted, { stateWritten: true, sentAt });
      }
      case 'fail':
        return fail(
          { code: action.code, message: action.message, details: action.details },
          action.lastStatus,
          action.releaseDedup,
        );
      case 'resolve-unknown':
        // Whether refused as a repeat or answered without an id, Trendyol may hold the body from now on.
        return resolveUnknownOutcome(deps, job, connection, {
          windowFrom: deps.clock.now(),
          reason: action.reason,
        });
      case 'retry-inline':
        reason = action.reason;
        await deps.sleep(action.waitMs);
        break;
      case 'give-back':
        reason = action.reason;
        retryAfterMs = action.waitMs;
        break;
      default: {
        const never: never = action;
        throw new Error(`unhandled action ${JSON.stringify(never)}`);
      }
    }
  }
  const error: JobError = { code: 'TRENDYOL_UNAVAILABLE', message: reason };
  if (input.receiveCount >= input.maxReceiveCount) {
    // This was the last delivery: the message goes to the DLQ, and the job says so.
    await fail(
      { code: 'RETRIES_EXHAUSTED', message: `Gave up after ${input.receiveCount} deliveries: ${reason}` },
      'FAILED',
      false,
    );
    throw new RetryableDeliveryError(reason, 0);
  }
  await deps.jobs.requeue(job.id, error, deps.clock.now());
  await deps.connections.updateState(
    connection.id,
    { lastStatus: 'FAILED', lastError: reason },
    deps.clock.now(),
  );
  throw new RetryableDeliveryError(reason, retryAfterMs || fullJitterBackoffMs(attempts, random));
}

async function acquireSendSlot(deps: ConsumeDeps, connection: Connection) {
  const key = trendyolWriteBudgetKey(String(connection.sellerId));
  // Trendyol's rolling windows, widened by the arrival margin (domain/rate-budget.ts).
  const limits = trendyolWriteBudgets(connection.writeRateLimitPerMinute);
  const maxWait = deps.maxInlineWaitMs ?? 15_000;
  let waited = 0;
  for (;;) {
    const slot = await takeFreshSlot(deps.rateLimiter, key, limits, deps.clock);
    if (slot.kind === 'granted') return;
    if (slot.kind === 'stale') {
      throw new RetryableDeliveryError('Send slots kept arriving too late to use; trying again.', 0);
    }
    if (waited + slot.retryAfterMs > maxWait) {
      throw new RetryableDeliveryError(
        'Seller rate limit reached; the chunk waits for the next window.',
        slot.retryAfterMs,
      );
    }
    waited += slot.retryAfterMs;
    await deps.sleep(slot.retryAfterMs);
  }
}

async function handOff(
  deps: ConsumeDeps,
  job: Job,
  batchRequestId: string,
  summary: Record<string, unknown>,
  options: { stateWritten: boolean; sentAt?: Date } = { stateWritten: false },
): Promise<ConsumeResult> {
  // The connection state is written before the workflow starts, so whatever the poller records
  // (it may settle within seconds) is never overwritten by this hand-off. recordAccepted writes it
  // in its own statement; a redelivery of an accepted job writes it here.
  if (!options.stateWritten) {
    await deps.connections.updateState(
      job.connectionId,
      { lastStatus: 'SUCCESS', lastError: null, lastJobId: job.id },
      deps.clock.now(),
    );
  }
  // If starting fails the message is retried: the job is still running with its batch id, so the
  // next delivery comes straight back here and never resends the body.
  await deps.workflow.start({
    connectionId: job.connectionId,
    jobId: job.id,
    batchRequestId,
    submittedAt: deps.clock.now().toISOString(),
    // A redelivery that only hands off again does not know when the body left.
    ...(options.sentAt && { sentAt: options.sentAt.toISOString() }),
  });
  await deps.jobs.finish(job.id, { status: 'success', summary, error: null }, deps.clock.now());
  return { outcome: 'accepted', batchRequestId };
}

/**
 * Trendyol may hold the body (it refused a repeat, or answered 200 without a batch id): the outcome
 * is unknown. The job waits as `scheduled` while the release schedule reads the live values back over
 * the next two minutes (domain/unknown-outcome.ts): Trendyol applies within seconds, so reading at
 * once would miss it. Never a failure, never the DLQ, never an ERROR connection; the message is
 * acknowledged so the seller's queue moves on.
 */
async function resolveUnknownOutcome(
  deps: ConsumeDeps,
  job: Job,
  connection: Connection,
  input: { windowFrom: Date | null; reason: string },
): Promise<ConsumeResult> {
  const now = deps.clock.now();
  const { marker, firstReadAt } = startUnknownOutcome({ ...input, now });
  await deps.jobs.mergeSummary(job.id, { outcomeUnknown: marker }, now);
  const error: JobError = {
    code: 'OUTCOME_UNKNOWN',
    message: `${input.reason} Checking Trendyol's live values until ${marker.resolveUntil}.`,
  };
  await deps.jobs.reschedule(job.id, firstReadAt, error, now);
  await deps.connections.updateState(connection.id, { lastStatus: 'IDLE', lastError: error.message }, now);
  return { outcome: 'rescheduled', notBefore: firstReadAt.toISOString() };
}

/**
 * Ends a job whose message is leaving for the DLQ without a final attempt of its own (it was skipped
 * behind a failing chunk of the same seller). A job already finished is left as it is.
 */
export async function failExhaustedJob(
  deps: ConsumeDeps,
  jobId: string,
  receiveCount: number,
): Promise<void> {
  const job = await deps.jobs.get(jobId);
  if (!job || job.status === 'success' || job.status === 'failed' || job.status === 'scheduled') return;
  const message = `Gave up after ${receiveCount} deliveries; the message is in the dead-letter queue.`;
  await deps.jobs.finish(
    jobId,
    { status: 'failed', summary: { note: message }, error: { code: 'RETRIES_EXHAUSTED', message } },
    deps.clock.now(),
  );
  await deps.connections.updateState(
    job.connectionId,
    { lastStatus: 'FAILED', lastError: message, lastJobId: jobId },
    deps.clock.now(),
  );
}

/** True when some of the job's values are still the latest accepted ones (the push meant to send it). */
async function holdsIntents(deps: ConsumeDeps, job: Job): Promise<boolean> {
  const known = await deps.inventory.findKnownValues(
    job.connectionId,
    job.items.map((i) => i.barcode),
  );
  return job.items.some((i) => known.get(i.barcode)?.jobId === job.id);
}
