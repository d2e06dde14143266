import { describe, expect, it } from 'vitest';
import {
  type ChunkFacts,
  chunkItemOutcome,
  chunkState,
  pushTotals,
} from '../../../lambdas/domain/push-progress';

const job = (over: Partial<ChunkFacts>): ChunkFacts => ({
  status: 'success',
  itemCount: 10,
  batchRequestId: 'b-1',
  summary: null,
  ...over,
});
const settled = (successCount: number, failedCount: number) => ({
  confirmation: { status: 'SETTLED', successCount, failedCount },
});

describe('chunkState', () => {
  it.each([
    [job({ status: 'scheduled', batchRequestId: null }), 'scheduled'],
    [job({ status: 'queued', batchRequestId: null }), 'queued'],
    [job({ status: 'running', batchRequestId: null }), 'queued'],
    [job({ status: 'failed' }), 'failed'],
    [job({ batchRequestId: null }), 'notSent'],
    [job({}), 'sent'],
    [job({ summary: settled(10, 0) }), 'confirmed'],
    [job({ summary: settled(9, 1) }), 'partial'],
    [job({ summary: settled(0, 10) }), 'failed'],
    [job({ summary: { confirmation: { status: 'UNCONFIRMED', readBackMatched: true } } }), 'confirmed'],
    [job({ summary: { confirmation: { status: 'UNCONFIRMED', readBackMatched: false } } }), 'unconfirmed'],
  ] as const)('%o is %s', (facts, state) => {
    expect(chunkState(facts)).toBe(state);
  });
});

describe('chunkItemOutcome', () => {
  it('counts the settlement, the whole chunk for a failed job or a read-back match, nothing in flight', () => {
    expect(chunkItemOutcome(job({ summary: settled(9, 1) }))).toEqual({ confirmed: 9, failed: 1 });
    expect(chunkItemOutcome(job({ status: 'failed' }))).toEqual({ confirmed: 0, failed: 10 });
    expect(
      chunkItemOutcome(job({ summary: { confirmation: { status: 'UNCONFIRMED', readBackMatched: true } } })),
    ).toEqual({ confirmed: 10, failed: 0 });
    expect(chunkItemOutcome(job({}))).toEqual({ confirmed: 0, failed: 0 });
  });
});

describe('pushTotals', () => {
  it('adds chunks per state and items per outcome; done only when no chunk can move', () => {
    const totals = pushTotals([
      job({ summary: settled(10, 0) }),
      job({ summary: settled(8, 2) }),
      job({ status: 'scheduled', batchRequestId: null, itemCount: 5 }),
    ]);
    expect(totals.chunks).toMatchObject({ confirmed: 1, partial: 1, scheduled: 1, queued: 0 });
    expect(totals.items).toEqual({
      total: 25,
      confirmed: 18,
      failed: 2,
      scheduled: 5,
      held: 0,
      notSent: 0,
      pending: 0,
    });
    expect(totals.done).toBe(false);
    expect(pushTotals([job({ summary: settled(10, 0) }), job({ batchRequestId: null })]).done).toBe(true);
    expect(pushTotals([job({})]).items.pending).toBe(10);
  });

  it('reports held prices beside the chunks: a held barcode’s stock may still be on its way', () => {
    const totals = pushTotals([job({})], 2);
    expect(totals.items).toEqual({
      total: 10,
      confirmed: 0,
      failed: 0,
      scheduled: 0,
      held: 2,
      notSent: 0,
      pending: 10,
    });
  });
});

describe('items that never reach Trendyol', () => {
  // Review finding: a push on a write-disabled stage was summarised as 10,000 "pending" for ever.
  it('are counted as notSent, not pending', () => {
    const totals = pushTotals([{ status: 'success', itemCount: 1000, batchRequestId: null, summary: null }]);
    expect(totals.done).toBe(true);
    expect(totals.items).toMatchObject({ total: 1000, notSent: 1000, pending: 0 });
  });
});
