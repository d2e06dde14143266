import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SHORT_LIVED_KEY_PREFIXES } from '../../config/shared';
import { decideRolling } from '../../domain/rate-budget';
import type { RateLimit, RateLimitDecision, RateLimiter } from '../../ports/rate-limiter';

export interface DynamoDbRateLimiterOptions {
  client: DynamoDBClient;
  tableName: string;
  /**
   * Conditional-write conflicts one `acquire` absorbs (re-read and decide again) before it answers
   * "denied, retry in {@link CONTENDED_RETRY_AFTER_MS} ms". Each conflict means another caller's grant
   * was stored, so the callers as a whole always make progress; 30 lets a round of ~30 concurrent
   * callers (a push's first pollers) all be decided by the log, not by giving up. @default 30
   */
  maxConflicts?: number;
  /**
   * Pause between a lost race and the re-read (ms). Without it, dozens of invocations sharing one key
   * (a 50-chunk push starts ~50 pollers at once) re-read in lock-step and keep colliding, each
   * burning round trips instead of waiting. @default setTimeout
   */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for the full-jitter backoff. @default Math.random */
  random?: () => number;
}

/** Backoff after the first lost race (ms); doubles per further loss up to {@link CONFLICT_BACKOFF_CAP_MS}. */
export const CONFLICT_BACKOFF_BASE_MS = 5;
/** Longest pause between two attempts of one acquire (ms). */
export const CONFLICT_BACKOFF_CAP_MS = 50;

/**
 * The pause after the `conflicts`-th lost race (1-based): "full jitter" (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), uniform in [0, min(cap, base·2^(conflicts-1))) ms, so callers
 * that collided spread out instead of colliding again.
 */
export function conflictBackoffMs(conflicts: number, random: () => number): number {
  const ceiling = Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_BASE_MS * 2 ** (conflicts - 1));
  return Math.floor(random() * ceiling);
}

/** Wait suggested when an acquire lost {@link DynamoDbRateLimiterOptions.maxConflicts} races in a row. */
export const CONTENDED_RETRY_AFTER_MS = 50;

// The log outlives its newest grant's longest window a little, then TTL removes it (storage only:
// an expired grant is never counted, whatever its TTL).
const LOG_GRACE_SECONDS = 300;

/** The item holding one budget key's sliding log in the short-lived table. */
export function rateLogKey(key: string): string {
  return `${SHORT_LIVED_KEY_PREFIXES.rateLog}${key}`;
}

/**
 * The sliding-log rate limiter shared by all concurrent Lambda invocations: one item per budget key
 * in the short-lived DynamoDB table holds the recent grants (`grants`, epoch ms ascending) and a
 * version `v`. An acquire reads the item (strongly consistent), decides with the pure
 * `decideRolling`, and on a grant writes the new log on condition that `v` is still what it read
 * (optimistic concurrency). A racing caller that loses re-reads and decides again, so N concurrent
 * callers can never be granted more than the rolling limits allow. A denial writes nothing.
 *
 * Cost: one strongly consistent read (0.5–1 RCU) and, per grant, one put of ~8 bytes per logged
 * grant (≤ 350 grants ≈ 3 KB ≈ 3 WCU at the lowest tier).
 */
export class DynamoDbRateLimiter implements RateLimiter {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly maxConflicts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: DynamoDbRateLimiterOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxConflicts = options.maxConflicts ?? 30;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async acquire(key: string, limits: RateLimit[], now: Date | (() => Date)): Promise<RateLimitDecision> {
    // Each decision is made at the caller's moment: a fixed one is kept across pauses, a clock is read
    // again (it may be simulated, so the pauses never move it themselves). The pauses are short: a
    // few to tens of ms per lost race, under 1.4 s even when all 30 races are lost.
    const momentMs = () => (typeof now === 'function' ? now() : now).getTime();
    const pk = rateLogKey(key);
    const decided = await this.retryingRaces(async (): Promise<RateLimitDecision | undefined> => {
      const stored = await this.read(pk);
      const nowMs = momentMs();
      const decision = decideRolling(stored?.grants ?? [], limits, nowMs);
      if (!decision.granted) return decision;
      const written = await this.write(pk, decision.grants, limits, stored?.version);
      return written ? { granted: true, grantedAtMs: nowMs } : undefined;
    });
    return decided ?? { granted: false, retryAfterMs: CONTENDED_RETRY_AFTER_MS };
  }

  /**
   * Removes one unused grant from the key's log (see {@link RateLimiter.release}), with the same
   * optimistic concurrency as `acquire`: after {@link DynamoDbRateLimiterOptions.maxConflicts} lost
   * races it gives up and the grant counts until it leaves the window. Each hand-back writes a token
   * of its own (`w`): after a lost race, a log carrying that token means this hand-back's put did land
   * and only its answer was lost (the SDK retried it into a version conflict), so it stops instead of
   * removing a second grant, which may have been sent.
   */
  async release(key: string, grantedAtMs: number): Promise<void> {
    const pk = rateLogKey(key);
    const token = randomUUID();
    await this.retryingRaces(async () => {
      const stored = await this.read(pk);
      const at = stored?.grants.indexOf(grantedAtMs) ?? -1;
      if (!stored || at < 0 || stored.writer === token) return true;
      const grants = [...stored.grants.slice(0, at), ...stored.grants.slice(at + 1)];
      const written = await this.write(pk, grants, [], stored.version, {
        expiresAt: stored.expiresAt,
        writer: token,
      });
      return written || undefined;
    });
  }

  /**
   * Runs one read-decide-write `attempt` until it answers (anything but undefined, which means it lost
   * the race for the log's version), at most 1 + maxConflicts times, backing off with full jitter
   * after each lost race (not before the first attempt). Returns the answer, or undefined when every
   * attempt lost.
   */
  private async retryingRaces<T>(attempt: () => Promise<T | undefined>): Promise<T | undefined> {
    for (let conflicts = 0; conflicts <= this.maxConflicts; conflicts += 1) {
      if (conflicts > 0) await this.sleep(conflictBackoffMs(conflicts, this.random));
      const answer = await attempt();
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  private async read(
    pk: string,
  ): Promise<
    | { grants: number[]; version: number; expiresAt: number | undefined; writer: string | undefined }
    | undefined
  > {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return {
      grants: (out.Item.grants?.L ?? []).map((g) => Number(g.N)),
      version: Number(out.Item.v?.N ?? 0),
      expiresAt: out.Item.expiresAt?.N === undefined ? undefined : Number(out.Item.expiresAt.N),
      writer: out.Item.w?.S,
    };
  }

  /** Stores the log unless another caller stored one since `version` was read; false on that race. */
  private async write(
    pk: string,
    grants: number[],
    limits: RateLimit[],
    version: number | undefined,
    /** A hand-back keeps the log's expiry and marks its put with its token (see `release`). */
    handBack?: { expiresAt: number | undefined; writer: string },
  ): Promise<boolean> {
    const longestWindowMs = Math.max(0, ...limits.map((l) => l.windowMs));
    const newest = grants[grants.length - 1] ?? 0;
    const expiresAt = handBack?.expiresAt ?? Math.ceil((newest + longestWindowMs) / 1000) + LOG_GRACE_SECONDS;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: pk },
            grants: { L: grants.map((g) => ({ N: String(g) })) },
            v: { N: String((version ?? 0) + 1) },
            expiresAt: { N: String(expiresAt) },
            ...(handBack && { w: { S: handBack.writer } }),
          },
          ...(version === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': { N: String(version) } } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
