import { describe, expect, it } from 'vitest';
import { parsePushRequest } from '../../../lambdas/domain/push-request';
import { pushInventory } from '../../../lambdas/use-cases/push-inventory';
import { CONNECTION, memoryPorts } from './in-memory-ports';

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ barcode: `B-${String(i).padStart(5, '0')}`, quantity: i % 50 }));

async function push(p: Awaited<ReturnType<typeof memoryPorts>>, n: number) {
  return pushInventory(p, parsePushRequest({ connectionId: CONNECTION.id, items: items(n) }), {
    dryRun: false,
    force: false,
    forceWrite: true,
  });
}

describe('push: the chunks’ dedup records are read and claimed together', () => {
  it('gives jobs ids in chunk order and claims every chunk’s body for its job', async () => {
    const p = await memoryPorts();
    const res = await push(p, 3_500);
    // id-1 is the push id; the chunks' job ids follow in chunk order.
    expect(res.body.jobs.map((j) => [j.chunkIndex, j.jobId])).toEqual([
      [0, 'id-2'],
      [1, 'id-3'],
      [2, 'id-4'],
      [3, 'id-5'],
    ]);
    expect([...p.dedup.records.values()].map((r) => r.jobId).sort()).toEqual([
      'id-2',
      'id-3',
      'id-4',
      'id-5',
    ]);
  });

  it('when one claim fails, releases every claim the other chunks won and writes no job', async () => {
    const p = await memoryPorts();
    const claim = p.dedup.claim.bind(p.dedup);
    let calls = 0;
    p.dedup.claim = async (input) => {
      calls += 1;
      if (calls === 2) throw new Error('DynamoDB unavailable');
      return claim(input);
    };
    await expect(push(p, 3_500)).rejects.toThrow('DynamoDB unavailable');
    expect(p.dedup.records.size).toBe(0);
    expect(p.queue.sent).toEqual([]);
    // The same push succeeds once the store answers again: nothing was left claimed.
    p.dedup.claim = claim;
    const res = await push(p, 3_500);
    expect(res.body.dedupCount).toBe(0);
    expect(res.body.enqueuedCount).toBe(4);
  });
});
