import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerStack,
  getJob,
  handRecord,
  invokeConsumer,
  item,
  mark,
  newConnection,
  push,
  startConsumerStack,
  uniqueBarcode,
  updatesSince,
} from './consumer-harness';

let h: ConsumerStack;

beforeAll(async () => {
  h = await startConsumerStack();
});

afterEach(() => {
  h.stack.simulator.clearFaults();
});

afterAll(async () => {
  await h?.stop();
});

describe('one seller never blocks another (FIFO order is per message group)', () => {
  it('interleaved records of two sellers: only the rest of the failing group is handed back', async () => {
    const a = await newConnection(h);
    const b = await newConnection(h);
    const [a1 = ''] = (await push(h, a.id, [item(uniqueBarcode('ga'))])).jobIds;
    const [b1 = ''] = (await push(h, b.id, [item(uniqueBarcode('gb'))])).jobIds;
    const [a2 = ''] = (await push(h, a.id, [item(uniqueBarcode('ga'))])).jobIds;
    const [b2 = ''] = (await push(h, b.id, [item(uniqueBarcode('gb'))])).jobIds;
    const since = mark(h);
    // Seller A's first chunk meets a 503 on every inline attempt (3), so its record keeps failing.
    for (let i = 0; i < 3; i += 1) h.stack.simulator.injectFault({ kind: 'status', status: 503 });

    const records = [
      handRecord(a1, a.id, 1),
      handRecord(b1, b.id, 1),
      handRecord(a2, a.id, 1),
      handRecord(b2, b.id, 1),
    ];
    const response = await invokeConsumer(h, records);

    // A's failing chunk and the chunk behind it (same group, order kept) come back; B's do not wait.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [records[0]?.messageId, records[2]?.messageId].sort(),
    );
    expect(updatesSince(h, since, b.sellerId).filter((r) => r.status === 200)).toHaveLength(2);
    expect((await getJob(h, b1)).batchRequestId).not.toBeNull();
    expect((await getJob(h, b2)).batchRequestId).not.toBeNull();
    // A's second chunk was not even tried: sending it before the first would break the seller's order.
    expect(updatesSince(h, since, a.sellerId)).toHaveLength(3);
    expect((await getJob(h, a2)).status).toBe('queued');
  });
});
