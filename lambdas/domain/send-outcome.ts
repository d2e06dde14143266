import type { ConnectionLastStatus } from './connection-state';
import { describeHttpError, trendyolErrorDetails } from './trendyol-error';

/** How one call to price-and-inventory ended (the marketplace port's classification). */
export type SendOutcome =
  | { kind: 'accepted'; batchRequestId: string }
  | { kind: 'validation'; httpStatus: number; body: unknown }
  | { kind: 'duplicate-request'; httpStatus: number; body: unknown }
  | { kind: 'auth'; httpStatus: number; body: unknown }
  | { kind: 'blocked'; httpStatus: number; body: unknown }
  | { kind: 'rate-limited'; httpStatus: number; retryAfterMs: number | null }
  | { kind: 'server-error'; httpStatus: number; body: unknown }
  | { kind: 'timeout' }
  | { kind: 'no-batch-id'; httpStatus: number; body: unknown };

/** What the consumer does next with a send outcome. */
export type SendAction =
  /** Trendyol queued the body: record the batch id and hand it to the confirmation workflow. */
  | { kind: 'record-accepted'; batchRequestId: string }
  /** A refusal no retry can fix: the job fails; `releaseDedup` when Trendyol never took the body. */
  | {
      kind: 'fail';
      code: string;
      message: string;
      details: unknown;
      lastStatus: Extract<ConnectionLastStatus, 'FAILED' | 'ERROR'>;
      releaseDedup: boolean;
    }
  /**
   * Trendyol may hold the body (the 15-minute refusal, or a 200 without a batch id): resolve by
   * read-back over the next minutes, never a failure, never the DLQ, never an ERROR connection.
   */
  | { kind: 'resolve-unknown'; reason: string }
  /** Worth another try inside this delivery after `waitMs`. */
  | { kind: 'retry-inline'; waitMs: number; reason: string }
  /** Out of inline tries: the message goes back to the queue. */
  | { kind: 'give-back'; reason: string; waitMs: number };

/** Backoff base and cap for inline retries (ms). */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 8000;

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random
 * wait between 0 and min(cap, base × 2^(attempt−1)) ms, so sellers retrying after the same fault do
 * not retry in lockstep. `random` returns [0, 1); injectable so tests are deterministic.
 */
export function fullJitterBackoffMs(
  attempt: number,
  random: () => number,
  baseMs = BACKOFF_BASE_MS,
  capMs = BACKOFF_CAP_MS,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The message a retryable answer leaves on the job and the connection (HTTP status + Trendyol's key). */
export function describeRetryable(outcome: SendOutcome): string {
  switch (outcome.kind) {
    case 'rate-limited':
      return `Trendyol answered HTTP ${outcome.httpStatus} too.many.requests; will retry.`;
    case 'timeout':
      return 'Trendyol did not answer in time; will retry.';
    case 'no-batch-id':
      return `Trendyol answered HTTP ${outcome.httpStatus} without a batchRequestId.`;
    case 'server-error':
      // httpStatus 0: no HTTP answer at all; the client's body names what happened (DNS, refused, TLS).
      return outcome.httpStatus === 0
        ? `Trendyol could not be reached: ${String(outcome.body)}; will retry.`
        : `Trendyol answered ${describeHttpError(outcome.httpStatus, outcome.body)}; will retry.`;
    default:
      return `Trendyol answered ${outcome.kind}.`;
  }
}

/**
 * Decides what a send outcome means, for attempt `attempt` of `attempts` inline tries. Exhaustive:
 * a new outcome kind does not compile until it is decided here.
 */
export function decideSendOutcome(input: {
  outcome: SendOutcome;
  attempt: number;
  attempts: number;
  connectionId: string;
  random: () => number;
}): SendAction {
  const { outcome, attempt, attempts, connectionId, random } = input;
  switch (outcome.kind) {
    case 'accepted':
      return { kind: 'record-accepted', batchRequestId: outcome.batchRequestId };
    case 'validation':
      return {
        kind: 'fail',
        code: 'TRENDYOL_VALIDATION',
        message: `Trendyol refused the chunk: ${describeHttpError(outcome.httpStatus, outcome.body)}`,
        details: trendyolErrorDetails(outcome.body),
        lastStatus: 'FAILED',
        releaseDedup: true,
      };
    case 'auth':
      return {
        kind: 'fail',
        code: 'TRENDYOL_AUTH',
        message:
          `Trendyol refused the credentials of connection ${connectionId} (${describeHttpError(outcome.httpStatus, outcome.body)}). ` +
          'Check the API key, secret and seller id, then rotate them with PATCH /v1/connections/:id.',
        details: trendyolErrorDetails(outcome.body),
        lastStatus: 'ERROR',
        releaseDedup: true,
      };
    case 'blocked':
      return {
        kind: 'fail',
        code: 'TRENDYOL_BLOCKED',
        message: `Trendyol did not let this server in (${describeHttpError(outcome.httpStatus, outcome.body)}): on the stage environment the IP must be allow-listed.`,
        details: trendyolErrorDetails(outcome.body),
        lastStatus: 'ERROR',
        releaseDedup: true,
      };
    case 'duplicate-request':
      return {
        kind: 'resolve-unknown',
        reason: `Trendyol refused this body as a repeat (${describeHttpError(outcome.httpStatus, outcome.body)}): an earlier attempt reached it.`,
      };
    case 'no-batch-id':
      return { kind: 'resolve-unknown', reason: describeRetryable(outcome) };
    case 'rate-limited':
    case 'server-error':
    case 'timeout': {
      const reason = describeRetryable(outcome);
      const waitMs =
        outcome.kind === 'rate-limited' && outcome.retryAfterMs !== null
          ? outcome.retryAfterMs
          : fullJitterBackoffMs(attempt, random);
      return attempt < attempts
        ? { kind: 'retry-inline', waitMs, reason }
        : { kind: 'give-back', reason, waitMs };
    }
    default: {
      const never: never = outcome;
      throw new Error(`unhandled send outcome ${JSON.stringify(never)}`);
    }
  }
}
