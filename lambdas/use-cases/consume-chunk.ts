import { REVERT_MARGIN_MS } from '../domain/dedup-decision';
import { DEDUP_WINDOW_MS } from '../domain/inventory-item';
import { trendyolWriteBudgets } from '../domain/rate-budget';
import { decideWriteGate } from '../domain/write-gate';
import type { Clock } from '../ports/clock';
import type { ConfirmationWorkflow } from '../ports/confirmation-workflow';
import type { DedupStore } from '../ports/dedup-store';
import type { MarketplaceClient, UpdateOutcome } from '../ports/marketplace';
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
import { verifyThroughReadBack } from './read-back';

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

const BACKOFF_BASE_MS = 1000;

function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), 8000);
}

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

function errorText(body: unknown): string {
  if (body && typeof body === 'object') {
    const errors = (body as { errors?: Array<{ message?: unknown }> }).errors;
    const first = Array.isArray(errors) ? errors[0]?.message : undefined;
    if (typeof first === 'string') return first;
    const exception = (body as { exception?: unknown }).exception;
    if (typeof exception === 'string') return exception;
  }
  return typeof body === 'string' ? body.slice(0, 200) : (JSON.stringify(body)?.slice(0, 200) ?? '');
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
  // A job waiting out Trendyol's 15-minute window gets a new message when it is released; a message
  // arriving before that is a stale or duplicate delivery and must not send the body again.
  const waiting = await deps.jobs.get(input.jobId);
  if (waiting?.status === 'scheduled' && waiting.notBefore && Date.parse(waiting.notBefore) > startedAtMs) {
    return { outcome: 'not-due', notBefore: waiting.notBefore };
  }
  const job = await deps.jobs.startAttempt(input.jobId, deps.clock.now());
  if (!job) return { outcome: 'already-finished' };
  const connection = await deps.connections.get(job.connectionId);
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
  let last: UpdateOutcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    await acquireSendSlot(deps, connection);
    last = await deps.marketplace.updatePriceAndInventory(connection, credentials, job.body);
    const outcome = last;
    switch (outcome.kind) {
      case 'accepted': {
        const accepted = {
          ...summaryBase(job, deps, startedAtMs).summary,
          response: { batchRequestId: outcome.batchRequestId },
          batchRequestId: outcome.batchRequestId,
        };
        await deps.jobs.recordAccepted(job.id, outcome.batchRequestId, accepted, deps.clock.now());
        return handOff(deps, job, outcome.batchRequestId, accepted);
      }
      case 'validation':
        return fail(
          {
            code: 'TRENDYOL_VALIDATION',
            message: `Trendyol refused the chunk: ${errorText(outcome.body)}`,
            details: outcome.body,
          },
          'FAILED',
          true,
        );
      case 'auth':
        return fail(
          {
            code: 'TRENDYOL_AUTH',
            message:
              `Trendyol refused the credentials of connection ${connection.id} (HTTP ${outcome.httpStatus}). ` +
              'Check the API key, secret and seller id, then rotate them with PATCH /v1/connections/:id.',
            details: outcome.body,
          },
          'ERROR',
          true,
        );
      case 'blocked':
        return fail(
          {
            code: 'TRENDYOL_BLOCKED',
            message: `Trendyol did not let this server in (HTTP ${outcome.httpStatus}): on the stage environment the IP must be allow-listed.`,
            details: outcome.body,
          },
          'ERROR',
          true,
        );
      case 'duplicate-request':
        return resolveUnknownOutcome(deps, job, connection, credentials, summary);
      case 'rate-limited':
      case 'server-error':
      case 'timeout':
      case 'no-batch-id':
        if (attempt < attempts)
          await deps.sleep(
            outcome.kind === 'rate-limited' && outcome.retryAfterMs
              ? outcome.retryAfterMs
              : backoffMs(attempt),
          );
        break;
    }
  }
  const reason = describeRetryable(last);
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
  throw new RetryableDeliveryError(reason, backoffMs(attempts));
}

function describeRetryable(outcome: UpdateOutcome | undefined): string {
  if (!outcome) return 'not sent';
  switch (outcome.kind) {
    case 'rate-limited':
      return 'Trendyol answered 429 too.many.requests; will retry.';
    case 'timeout':
      return 'Trendyol did not answer in time; will retry.';
    case 'no-batch-id':
      return 'Trendyol answered 200 without a batchRequestId; will retry.';
    case 'server-error':
      // httpStatus 0: no HTTP answer at all; the client's body names what happened (DNS, refused, TLS).
      return outcome.httpStatus === 0
        ? `Trendyol could not be reached: ${String(outcome.body)}; will retry.`
        : `Trendyol answered HTTP ${outcome.httpStatus}; will retry.`;
    default:
      return `Trendyol answered ${outcome.kind}.`;
  }
}

async function acquireSendSlot(deps: ConsumeDeps, connection: Connection) {
  const key = `trendyol#${connection.sellerId}#price-and-inventory`;
  // Trendyol counts rolling windows; the shared limiter counts fixed ones, sized so they never exceed them.
  const limits = trendyolWriteBudgets(connection.writeRateLimitPerMinute);
  const maxWait = deps.maxInlineWaitMs ?? 15_000;
  let waited = 0;
  for (;;) {
    const decision = await deps.rateLimiter.acquire(key, limits, deps.clock.now());
    if (decision.granted) return;
    if (waited + decision.retryAfterMs > maxWait) {
      throw new RetryableDeliveryError(
        'Seller rate limit reached; the chunk waits for the next window.',
        decision.retryAfterMs,
      );
    }
    waited += decision.retryAfterMs;
    await deps.sleep(decision.retryAfterMs);
  }
}

async function handOff(
  deps: ConsumeDeps,
  job: Job,
  batchRequestId: string,
  summary: Record<string, unknown>,
): Promise<ConsumeResult> {
  // The connection state is written before the workflow starts, so whatever the poller records
  // (it may settle within seconds) is never overwritten by this hand-off.
  await deps.connections.updateState(
    job.connectionId,
    { lastStatus: 'SUCCESS', lastError: null, lastJobId: job.id },
    deps.clock.now(),
  );
  // If starting fails the message is retried: the job is still running with its batch id, so the
  // next delivery comes straight back here and never resends the body.
  await deps.workflow.start({
    connectionId: job.connectionId,
    jobId: job.id,
    batchRequestId,
    submittedAt: deps.clock.now().toISOString(),
  });
  await deps.jobs.finish(job.id, { status: 'success', summary, error: null }, deps.clock.now());
  return { outcome: 'accepted', batchRequestId };
}

/**
 * Trendyol refused the body as a repeat: an earlier attempt reached it although its answer was
 * lost. If the live values already equal the chunk, it landed; otherwise the job waits out the
 * 15-minute window and is sent again. Never a plain failure, never a blocked queue.
 */
async function resolveUnknownOutcome(
  deps: ConsumeDeps,
  job: Job,
  connection: Connection,
  credentials: Awaited<ReturnType<SecretStore['get']>>,
  summary: Record<string, unknown>,
): Promise<ConsumeResult> {
  const verified = await verifyThroughReadBack(deps, job, connection, credentials);
  if (verified) {
    const note = 'Trendyol refused a repeat of this body; read-back shows every value applied';
    await deps.jobs.finish(
      job.id,
      { status: 'success', summary: { ...summary, note }, error: null },
      deps.clock.now(),
    );
    await deps.connections.updateState(
      connection.id,
      { lastStatus: 'SUCCESS', lastError: null, lastSuccessAt: deps.clock.now().toISOString() },
      deps.clock.now(),
    );
    return { outcome: 'confirmed-by-read-back' };
  }
  const notBefore = new Date(deps.clock.now().getTime() + DEDUP_WINDOW_MS + REVERT_MARGIN_MS);
  const error: JobError = {
    code: 'OUTCOME_UNKNOWN',
    message:
      'Trendyol refused this body as a repeat (15-minute rule) and read-back does not show it yet; ' +
      `it will be sent again after ${notBefore.toISOString()}.`,
  };
  await deps.jobs.reschedule(job.id, notBefore, error, deps.clock.now());
  // Nothing is being sent any more: the connection must not stay RUNNING while the job waits.
  await deps.connections.updateState(
    connection.id,
    { lastStatus: 'IDLE', lastError: error.message },
    deps.clock.now(),
  );
  return { outcome: 'rescheduled', notBefore: notBefore.toISOString() };
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
