import { describe, expect, it } from 'vitest';
import { parsePushRequest } from '../../../lambdas/domain/push-request';
import {
  decideRolling,
  GRANT_MAX_AGE_MS,
  type RollingLimit,
  TRENDYOL_BURST,
} from '../../../lambdas/domain/rate-budget';
import type { RateLimiter } from '../../../lambdas/ports/rate-limiter';
import { consumeChunk } from '../../../lambdas/use-cases/consume-chunk';
import { pollBatch, pollBatchOnDemand } from '../../../lambdas/use-cases/poll-batch';
import { pushInventory } from '../../../lambdas/use-cases/push-inventory';
import { readLiveValues } from '../../../lambdas/use-cases/read-back';
import { CONNECTION, memoryPorts } from './in-memory-ports';

/** The shared limiter on the simulated clock: the same sliding-log rule the DynamoDB one applies. */
function memoryRateLimiter(): RateLimiter {
  const logs = new Map<string, number[]>();
  return {
    async acquire(key: string, limits: RollingLimit[], now: Date | (() => Date)) {
      const nowMs = (typeof now === 'function' ? now() : now).getTime();
      const decision = decideRolling(logs.get(key) ?? [], limits, nowMs);
      if (!decision.granted) return decision;
      logs.set(key, decision.grants);
      return { granted: true, grantedAtMs: nowMs };
    },
    async release(key: string, grantedAtMs: number) {
      const log = logs.get(key) ?? [];
      const at = log.indexOf(grantedAtMs);
      if (at >= 0) log.splice(at, 1);
    },
  };
}

/** The most requests of `times` (epoch ms) that fall into any window of `windowMs`. */
function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** A one-item push of `barcode` on fresh in-memory ports, not sent yet. */
async function pushedJob(barcode: string) {
  const p = await memoryPorts();
  const request = parsePushRequest({ connectionId: CONNECTION.id, items: [{ barcode, quantity: 1 }] });
  const { body } = await pushInventory(p, request, { dryRun: false, force: true, forceWrite: true });
  return { p, jobId: body.jobs[0]?.jobId ?? '' };
}

/** {@link pushedJob}, sent to Trendyol: its batch is waiting to be polled. */
async function sentBatch(barcode = 'D') {
  const { p, jobId } = await pushedJob(barcode);
  await consumeChunk({ ...p, random: () => 0.5 }, { jobId, receiveCount: 1, maxReceiveCount: 5 });
  const batchRequestId = (await p.jobs.get(jobId))?.batchRequestId ?? '';
  return { p, jobId, batchRequestId };
}

describe("the poller's reads take slots of the seller's read budget", () => {
  it('many batches polled at once never exceed Trendyol burst of 50 GETs per 10 s', async () => {
    const p = await memoryPorts();
    const batches: { jobId: string; batchRequestId: string; submittedAt: string }[] = [];
    for (let i = 0; i < 120; i += 1) {
      const request = parsePushRequest({
        connectionId: CONNECTION.id,
        items: [{ barcode: `B${i}`, quantity: i }],
      });
      const { body } = await pushInventory(p, request, { dryRun: false, force: true, forceWrite: true });
      const jobId = body.jobs[0]?.jobId ?? '';
      await consumeChunk({ ...p, random: () => 0.5 }, { jobId, receiveCount: 1, maxReceiveCount: 5 });
      const batchRequestId = (await p.jobs.get(jobId))?.batchRequestId ?? '';
      p.marketplace.batches.set(batchRequestId, {
        kind: 'found',
        latencyMs: 1,
        batch: {
          batchRequestId,
          raw: {},
          items: [{ requestItem: { barcode: `B${i}` }, status: 'SUCCESS', failureReasons: [] }],
        },
      });
      batches.push({ jobId, batchRequestId, submittedAt: p.clock.now().toISOString() });
    }
    const gets: number[] = [];
    const getBatchResult = p.marketplace.getBatchResult.bind(p.marketplace);
    p.marketplace.getBatchResult = async (...args) => {
      gets.push(p.clock.now().getTime());
      return getBatchResult(...args);
    };
    const deps = { ...p, rateLimiter: memoryRateLimiter() };

    // Every batch polled at the same simulated moment: only the budget spaces the GETs.
    const statuses: string[] = [];
    for (const b of batches) {
      const { output } = await pollBatch(deps, { connectionId: CONNECTION.id, ...b }, { shortPollMs: 0 });
      statuses.push(output.status);
    }

    expect(statuses.every((s) => s === 'SETTLED')).toBe(true);
    expect(gets).toHaveLength(120);
    expect(busiestWindow(gets, TRENDYOL_BURST.windowMs)).toBeLessThanOrEqual(TRENDYOL_BURST.limit);
    // 120 GETs at 50 per (10 s + margin): the last one waited for the third window.
    expect(Math.max(...gets) - Math.min(...gets)).toBeGreaterThanOrEqual(20_000);
  });

  it('a batch whose GET finds no slot within the wait is left pending, not read over the limit', async () => {
    const p = await memoryPorts();
    const request = parsePushRequest({ connectionId: CONNECTION.id, items: [{ barcode: 'X', quantity: 1 }] });
    const { body } = await pushInventory(p, request, { dryRun: false, force: true, forceWrite: true });
    const jobId = body.jobs[0]?.jobId ?? '';
    await consumeChunk({ ...p, random: () => 0.5 }, { jobId, receiveCount: 1, maxReceiveCount: 5 });
    const batchRequestId = (await p.jobs.get(jobId))?.batchRequestId ?? '';
    let gets = 0;
    p.marketplace.getBatchResult = async () => {
      gets += 1;
      return { kind: 'gone', httpStatus: 404, latencyMs: 1 };
    };
    // Other pollers hold every slot for the next minute.
    const denying: RateLimiter = { acquire: async () => ({ granted: false, retryAfterMs: 60_000 }) };
    const { output } = await pollBatch(
      { ...p, rateLimiter: denying },
      { connectionId: CONNECTION.id, jobId, batchRequestId, submittedAt: p.clock.now().toISOString() },
      { shortPollMs: 0 },
    );
    expect(output.status).toBe('PENDING');
    expect(gets).toBe(0);
    expect((await p.jobs.get(jobId))?.confirmation).not.toBe('unconfirmed');
  });

  it('read-backs of many barcodes are paced by the read-back budget on the simulated clock', async () => {
    const p = await memoryPorts();
    const reads: number[] = [];
    const readBack = p.marketplace.readBack.bind(p.marketplace);
    p.marketplace.readBack = async (...args) => {
      reads.push(p.clock.now().getTime());
      return readBack(...args);
    };
    const barcodes = Array.from({ length: 60 * 50 }, (_, i) => `R${i}`);
    const [connection] = [await p.connections.get(CONNECTION.id)];
    if (!connection) throw new Error('no connection');
    const values = await readLiveValues(
      { ...p, rateLimiter: memoryRateLimiter() },
      connection,
      { apiKey: 'k', apiSecret: 's' },
      barcodes,
    );
    expect(values).not.toBeNull();
    expect(reads).toHaveLength(60);
    expect(busiestWindow(reads, TRENDYOL_BURST.windowMs)).toBeLessThanOrEqual(TRENDYOL_BURST.limit);
  });
});

describe("one deadline for an invocation's reads", () => {
  /** Other pollers hold the slots: every acquire is refused for another second. */
  function refusing() {
    let acquires = 0;
    const limiter: RateLimiter = {
      acquire: async () => {
        acquires += 1;
        return { granted: false, retryAfterMs: 1_000 };
      },
    };
    return { limiter, acquires: () => acquires };
  }

  it('the poller stops waiting for a read slot at the invocation deadline, not 10 s later', async () => {
    const { p, jobId, batchRequestId } = await sentBatch();
    const { limiter } = refusing();
    const start = p.clock.now().getTime();
    const { output } = await pollBatch(
      { ...p, rateLimiter: limiter },
      { connectionId: CONNECTION.id, jobId, batchRequestId, submittedAt: p.clock.now().toISOString() },
      { shortPollMs: 0, deadlineMs: start + 3_000 },
    );
    expect(output.status).toBe('PENDING');
    expect(p.clock.now().getTime()).toBeLessThanOrEqual(start + 3_000);
  });

  it('read-back pages stop at the invocation deadline too', async () => {
    const p = await memoryPorts();
    const connection = await p.connections.get(CONNECTION.id);
    if (!connection) throw new Error('no connection');
    const { limiter } = refusing();
    const start = p.clock.now().getTime();
    const values = await readLiveValues(
      { ...p, rateLimiter: limiter, readDeadlineMs: start + 2_000 },
      connection,
      { apiKey: 'k', apiSecret: 's' },
      ['A'],
    );
    expect(values).toBeNull();
    expect(p.clock.now().getTime()).toBeLessThanOrEqual(start + 2_000);
  });

  it('GET /v1/inventory/batch/:id tries its read slot once and does not wait', async () => {
    const { p, batchRequestId } = await sentBatch();
    const { limiter, acquires } = refusing();
    const start = p.clock.now().getTime();
    const shown = await pollBatchOnDemand({ ...p, rateLimiter: limiter }, batchRequestId);
    expect(shown._eci.status).toBe('PENDING');
    expect(acquires()).toBe(1);
    expect(p.clock.now().getTime()).toBe(start);
  });
});

describe('a batch at its deadline without a read slot', () => {
  it('ends UNCONFIRMED with its values failed (sent again), not pending until the execution dies', async () => {
    const p = await memoryPorts();
    const request = parsePushRequest({ connectionId: CONNECTION.id, items: [{ barcode: 'Z', quantity: 3 }] });
    const { body } = await pushInventory(p, request, { dryRun: false, force: true, forceWrite: true });
    const jobId = body.jobs[0]?.jobId ?? '';
    await consumeChunk({ ...p, random: () => 0.5 }, { jobId, receiveCount: 1, maxReceiveCount: 5 });
    const batchRequestId = (await p.jobs.get(jobId))?.batchRequestId ?? '';
    const submittedAt = p.clock.now().toISOString();
    p.clock.advance(4 * 3600_000);
    let reads = 0;
    p.marketplace.getBatchResult = async () => {
      reads += 1;
      return { kind: 'gone', httpStatus: 404, latencyMs: 1 };
    };
    const denying: RateLimiter = { acquire: async () => ({ granted: false, retryAfterMs: 60_000 }) };
    const { output } = await pollBatch(
      { ...p, rateLimiter: denying },
      { connectionId: CONNECTION.id, jobId, batchRequestId, submittedAt },
      { shortPollMs: 0 },
    );
    expect(reads).toBe(0);
    expect(output.status).toBe('UNCONFIRMED');
    expect((await p.jobs.get(jobId))?.confirmation).toBe('unconfirmed');
    const [state] = await p.inventory.getBarcodeStates(CONNECTION.id, ['Z']);
    expect(state?.inFlight?.status).toBe('failed');
  });
});

describe('a grant that comes back late is never sent on', () => {
  /**
   * The shared limiter, held up on the way back: the first `late` grants return 400 ms after the
   * moment they were stamped with (a stalled acquire), later ones at once.
   */
  function slowFirstGrants(p: Awaited<ReturnType<typeof memoryPorts>>, late: number) {
    const inner = memoryRateLimiter();
    const stamps: number[] = [];
    const keys: string[] = [];
    const released: number[] = [];
    const limiter: RateLimiter = {
      async release(key, grantedAtMs) {
        released.push(grantedAtMs);
        await inner.release?.(key, grantedAtMs);
      },
      async acquire(key, limits, now) {
        const decision = await inner.acquire(key, limits, now);
        if (decision.granted) {
          stamps.push(decision.grantedAtMs ?? Number.NaN);
          keys.push(key);
          if (stamps.length <= late) p.clock.advance(400);
        }
        return decision;
      },
    };
    return { limiter, stamps, keys, released };
  }

  it('the consumer leaves a late write grant unused and sends within the margin of a fresh one', async () => {
    const { p, jobId } = await pushedJob('L');
    const { limiter, stamps, released } = slowFirstGrants(p, 1);
    const sends: number[] = [];
    const update = p.marketplace.updatePriceAndInventory.bind(p.marketplace);
    p.marketplace.updatePriceAndInventory = async (...args) => {
      sends.push(p.clock.now().getTime());
      return update(...args);
    };
    const result = await consumeChunk(
      { ...p, rateLimiter: limiter, random: () => 0.5 },
      { jobId, receiveCount: 1, maxReceiveCount: 5 },
    );
    expect(result.outcome).toBe('accepted');
    expect(stamps).toHaveLength(2);
    expect(sends).toHaveLength(1);
    expect((sends[0] ?? 0) - (stamps[1] ?? 0)).toBeLessThanOrEqual(GRANT_MAX_AGE_MS);
    // The unused grant was handed back: it holds no slot of the window.
    expect(released).toEqual([stamps[0]]);
  });

  it('a consumer whose grants keep coming back late hands the chunk back unsent', async () => {
    const { p, jobId } = await pushedJob('M');
    const { limiter, stamps } = slowFirstGrants(p, Number.POSITIVE_INFINITY);
    let sends = 0;
    p.marketplace.updatePriceAndInventory = async () => {
      sends += 1;
      throw new Error('must not send');
    };
    await expect(
      consumeChunk(
        { ...p, rateLimiter: limiter, random: () => 0.5 },
        { jobId, receiveCount: 1, maxReceiveCount: 5 },
      ),
    ).rejects.toThrow(/too late/);
    expect(sends).toBe(0);
    expect(stamps.length).toBeLessThanOrEqual(5);
    // Nothing went out: the job waits in the queue as plainly queued, not "stopped mid-send".
    expect((await p.jobs.get(jobId))?.status).not.toBe('success');
  });

  it('the poller takes another read slot when its grant came back late', async () => {
    const { p, jobId, batchRequestId } = await sentBatch('P');
    const { limiter, stamps, keys, released } = slowFirstGrants(p, 1);
    const gets: number[] = [];
    const getBatchResult = p.marketplace.getBatchResult.bind(p.marketplace);
    p.marketplace.getBatchResult = async (...args) => {
      gets.push(p.clock.now().getTime());
      return getBatchResult(...args);
    };
    await pollBatch(
      { ...p, rateLimiter: limiter },
      { connectionId: CONNECTION.id, jobId, batchRequestId, submittedAt: p.clock.now().toISOString() },
      { shortPollMs: 0 },
    );
    expect(keys.slice(0, 2)).toEqual(['trendyol#1001#batch-results', 'trendyol#1001#batch-results']);
    expect(gets).toHaveLength(1);
    expect((gets[0] ?? 0) - (stamps[1] ?? 0)).toBeLessThanOrEqual(GRANT_MAX_AGE_MS);
    // The unused read grant was handed back.
    expect(released).toEqual([stamps[0]]);
  });
});

describe('the first look is timed from the send', () => {
  it('the hand-off gives the moment the body left as sentAt, and the first look comes 2 s after it', async () => {
    const { p, jobId } = await pushedJob('F');
    let sentAtMs = 0;
    const update = p.marketplace.updatePriceAndInventory.bind(p.marketplace);
    p.marketplace.updatePriceAndInventory = async (...args) => {
      sentAtMs = p.clock.now().getTime();
      const outcome = await update(...args);
      // Trendyol's answer and the writes after it take 700 ms.
      p.clock.advance(700);
      return outcome;
    };
    await consumeChunk({ ...p, random: () => 0.5 }, { jobId, receiveCount: 1, maxReceiveCount: 5 });
    const started = p.workflow.started.at(-1);
    expect(started?.sentAt).toBe(new Date(sentAtMs).toISOString());
    // submittedAt stays the hand-off: the poll schedule and the 4-hour expiry count from there.
    expect(started?.submittedAt).toBe(new Date(sentAtMs + 700).toISOString());

    const gets: number[] = [];
    p.marketplace.getBatchResult = async () => {
      gets.push(p.clock.now().getTime());
      return { kind: 'gone', httpStatus: 404, latencyMs: 1 };
    };
    // The execution's first invocation starts 500 ms later still: it sleeps only the 800 ms left.
    p.clock.advance(500);
    await pollBatch(
      p,
      {
        connectionId: CONNECTION.id,
        jobId,
        batchRequestId: started?.batchRequestId ?? '',
        submittedAt: started?.submittedAt ?? '',
        sentAt: started?.sentAt ?? '',
      },
      { firstLookDelayMs: 2000, shortPollMs: 0 },
    );
    expect(gets[0]).toBe(sentAtMs + 2000);
  });
});
