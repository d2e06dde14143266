import { POLL_DEADLINE_MS, POLL_WAITS_SECONDS } from './batch-settlement';

/**
 * The poll schedule as Step Functions `Retry` rules: the one place where the confirmation workflow's
 * timing is decided (the CDK construct renders these rules, the poll function picks the signal).
 *
 * Why retries: a Standard state machine bills every state entered and every retry attempt as one
 * transition ($0.025 per 1,000, https://aws.amazon.com/step-functions/pricing/). A Wait → Task →
 * Choice loop costs 3 per poll plus a terminal state; a Task that throws a "still pending" error
 * retried by its own `Retry` costs 1 per poll, and a Task that ends the execution itself costs
 * nothing more. So a batch seen settled by the first invocation costs 1 transition.
 *
 * The waits follow the ASL retry formula (Amazon States Language, "Retrying after an error"): before
 * retry n (0-based) the wait is `min(IntervalSeconds × BackoffRate^n, MaxDelaySeconds)`. With 10 s
 * doubling up to 900 s it never waits longer than `POLL_WAITS_SECONDS` allows for the same poll
 * (10, 20 ≤ 30, 40 ≤ 60, …, 900), so a slow batch is seen at least as soon as the domain schedule
 * says. No jitter: batches start at their own submission times, so their polls are spread already,
 * and a deterministic schedule is what lets `MaxAttempts` provably reach the deadline (with FULL
 * jitter a wait may be near 0 s and no finite MaxAttempts would be sure to).
 *
 * Near the deadline the 900 s waits would step over it (and over the execution's timeout), so for
 * the last `NEAR_DEADLINE_SECONDS` the function throws a second error retried every 60 s: the batch
 * is then seen at the deadline, ends UNCONFIRMED and is checked by read-back, visibly.
 */
export interface PollRetrier {
  /** The error name (Lambda `errorType`) the retrier matches. */
  readonly error: string;
  readonly intervalSeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
  readonly maxAttempts: number;
}

/**
 * How the first invocation looks at a batch (ms): it waits `firstLookDelayMs` (Trendyol settles most
 * batches within a few seconds, so an earlier look is mostly wasted), then re-polls every
 * `shortPollIntervalMs` for up to `shortPollMs` before the batch counts as pending. Sleeping in the
 * function is billed (512 MB × 2 s ≈ $0.013 per million items at 1,000 items a batch) but costs less
 * than the Wait state it replaces ($0.025 per million). The pacing is also what the seller's read
 * budget allows: batch-results GETs share Trendyol's 50 per 10 s per endpoint, so re-polling every
 * batch every second from its submission would queue the GETs of many batches behind each other.
 * Measured (bench, 21 batches settling within 0–5 s, read budget on): p95 confirmation lag 1.9 s
 * with a 2 s first look, 3.7 s polling every 2 s from 0 s, 7.7 s polling every second from 0 s.
 */
export const FIRST_INVOCATION_POLLING = {
  firstLookDelayMs: 2000,
  shortPollIntervalMs: 1000,
  shortPollMs: 8000,
} as const;

/** Names of the errors the poll function throws to steer the state machine. */
export const POLL_SIGNALS = {
  /** Not settled yet: retried on the back-off schedule. */
  pending: 'BatchPending',
  /** Not settled yet, less than `NEAR_DEADLINE_SECONDS` before the deadline: retried every minute. */
  pendingNearDeadline: 'BatchPendingNearDeadline',
  /** Past the deadline, recorded UNCONFIRMED (read-back done): caught into the Fail state. */
  unconfirmed: 'BatchUnconfirmed',
} as const;

export type PendingSignal = typeof POLL_SIGNALS.pending | typeof POLL_SIGNALS.pendingNearDeadline;

/** The longest wait between two polls (the domain schedule's last step). */
export const MAX_POLL_WAIT_SECONDS = Math.max(...POLL_WAITS_SECONDS);

/** Within this many seconds of the deadline, polls come every `NEAR_DEADLINE_INTERVAL_SECONDS`. */
export const NEAR_DEADLINE_SECONDS = MAX_POLL_WAIT_SECONDS;
const NEAR_DEADLINE_INTERVAL_SECONDS = 60;

/** Wait before retry `retriesSoFar` (0-based) of `retrier`, by the ASL formula. */
export function retryWaitSeconds(retrier: PollRetrier, retriesSoFar: number): number {
  return Math.min(retrier.intervalSeconds * retrier.backoffRate ** retriesSoFar, retrier.maxDelaySeconds);
}

/** Retries of `retrier` whose waits alone add up to `seconds` (invocation time only adds to them). */
function retriesCovering(retrier: Omit<PollRetrier, 'maxAttempts'>, seconds: number): number {
  let total = 0;
  let n = 0;
  while (total < seconds) {
    total += retryWaitSeconds({ ...retrier, maxAttempts: 0 }, n);
    n += 1;
  }
  return n;
}

const pendingRule = {
  error: POLL_SIGNALS.pending,
  intervalSeconds: 10,
  backoffRate: 2,
  maxDelaySeconds: 900,
};
const nearDeadlineRule = {
  error: POLL_SIGNALS.pendingNearDeadline,
  intervalSeconds: NEAR_DEADLINE_INTERVAL_SECONDS,
  backoffRate: 1,
  maxDelaySeconds: NEAR_DEADLINE_INTERVAL_SECONDS,
};

/**
 * The two "still pending" retriers of the PollBatch task, in order. `MaxAttempts` is what the waits
 * need to reach the deadline with invocations taking no time (one more as margin), so the retries
 * never run out before the function has seen the deadline.
 */
export const POLL_RETRIERS: readonly [PollRetrier, PollRetrier] = [
  { ...pendingRule, maxAttempts: retriesCovering(pendingRule, POLL_DEADLINE_MS / 1000) + 1 },
  { ...nearDeadlineRule, maxAttempts: retriesCovering(nearDeadlineRule, NEAR_DEADLINE_SECONDS) + 1 },
];

/**
 * Which "still pending" error the poll function throws at `now` for a batch submitted at
 * `submittedAt`: within `NEAR_DEADLINE_SECONDS` of the poll deadline, the one retried every minute.
 */
export function pendingSignal(submittedAt: Date, now: Date): PendingSignal {
  const remainingMs = submittedAt.getTime() + POLL_DEADLINE_MS - now.getTime();
  return remainingMs < NEAR_DEADLINE_SECONDS * 1000 ? POLL_SIGNALS.pendingNearDeadline : POLL_SIGNALS.pending;
}

/**
 * How many polls the retry schedule has made by `now` (this one included), from the time since
 * submission: a retried task receives the same input every time, so the count is not carried in it.
 * It replays the schedule with invocations taking no time (real polls come a little later), so it is
 * an estimate; it is what a job's summary reports as `polls`.
 */
export function pollNumberAt(submittedAt: Date, now: Date): number {
  const used = POLL_RETRIERS.map(() => 0);
  let at = submittedAt.getTime();
  let polls = 1;
  for (;;) {
    const signal = pendingSignal(submittedAt, new Date(at));
    const index = signal === POLL_SIGNALS.pending ? 0 : 1;
    const retrier = POLL_RETRIERS[index];
    const n = used[index] ?? 0;
    if (n >= retrier.maxAttempts) return polls;
    const next = at + retryWaitSeconds(retrier, n) * 1000;
    if (next > now.getTime()) return polls;
    used[index] = n + 1;
    at = next;
    polls += 1;
  }
}
