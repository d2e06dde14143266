import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerStack,
  getJob,
  getStatus,
  mark,
  newConnection,
  push,
  startConsumerStack,
  updatesSince,
} from './consumer-harness';

const CHUNKS = 200;
const FIFTEEN_MINUTES_MS = 15 * 60_000;

let h: ConsumerStack;

beforeAll(async () => {
  h = await startConsumerStack();
  // Rate-limit waits must really pass here: the simulator's windows run on real time.
  h.setSleep((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
});

afterAll(async () => {
  await h?.stop();
});

describe('a 200-chunk push at the simulator default limits', () => {
  it('gets no 429 and never sends an identical body inside 15 minutes', async () => {
    // A seller of its own at the lowest tier (350 writes per minute, burst 50 per 10 s).
    const c = await newConnection(h);
    const since = mark(h);
    // 200 pushes of one chunk each: 200 chunks of 1000 items (200,000 intents) take minutes on in-memory
    // PGlite, while one-item chunks reach Trendyol as fast as the consumer can go, which is what stresses
    // the rate limits. Pushes of up to 10 in parallel, as several callers would.
    const jobIds: string[] = [];
    for (let start = 0; start < CHUNKS; start += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          push(h, c.id, [
            {
              barcode: `BULK${String(start + i).padStart(4, '0')}`,
              quantity: start + i,
              salePrice: 10,
              listPrice: 20,
            },
          ]),
        ),
      );
      for (const res of batch) jobIds.push(...res.jobIds);
    }
    expect(jobIds).toHaveLength(CHUNKS);

    await h.stack.settle(150_000);

    const updates = updatesSince(h, since, c.sellerId);
    expect(updates).toHaveLength(CHUNKS);
    const statuses = new Map<string, number>();
    for (const r of updates) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 200: CHUNKS });
    // No body twice inside 15 minutes (here: no body twice at all).
    const firstSeen = new Map<string, number>();
    for (const r of updates) {
      const at = Date.parse(r.at);
      const previous = firstSeen.get(r.body);
      expect(previous === undefined || at - previous >= FIFTEEN_MINUTES_MS).toBe(true);
      firstSeen.set(r.body, at);
    }
    expect(firstSeen.size).toBe(CHUNKS);
    // Never more than 50 requests in any rolling 10 s (the simulator's own rule, checked on its log).
    const times = updates.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    let maxIn10s = 0;
    for (let i = 0, j = 0; i < times.length; i += 1) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= 10_000) j += 1;
      maxIn10s = Math.max(maxIn10s, i - j + 1);
    }
    expect(maxIn10s).toBeLessThanOrEqual(50);

    const jobs = await Promise.all(jobIds.map((id) => getJob(h, id)));
    expect(
      jobs.filter((j) => j.status !== 'success' || j.attempts !== 1).map((j) => [j.status, j.attempts]),
    ).toEqual([]);
    expect(new Set(jobs.map((j) => j.batchRequestId)).size).toBe(CHUNKS);
    expect((await getStatus(h, c.id)).state).toMatchObject({ lastStatus: 'SUCCESS', lastError: null });
  }, 170_000);
});
