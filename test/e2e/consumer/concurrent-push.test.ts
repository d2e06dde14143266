import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerStack,
  getJob,
  item,
  mark,
  newConnection,
  startConsumerStack,
  uniqueBarcode,
  updateBody,
  updatesSince,
} from './consumer-harness';

let h: ConsumerStack;

beforeAll(async () => {
  h = await startConsumerStack();
});

afterAll(async () => {
  await h?.stop();
});

describe('concurrent identical pushes', () => {
  it('10 identical bodies at once: one is sent, the other 9 answer 200 (duplicate or unchanged), nothing is scheduled', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('conc');
    const since = mark(h);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => h.api.push(c.id, [item(barcode, 7)], '?forceWrite=1')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    const sender = answers.find((a) => a.status === 202);
    const jobId = String(sender?.body.jobId);
    // Each other answer either names the sending job as a duplicate (it raced the claim) or found the
    // value already in flight (it read the barcode after its twin recorded it); none is a "revert".
    for (const answer of answers.filter((a) => a.status === 200)) {
      if (answer.body.dedup === true) expect(answer.body.jobId).toBe(jobId);
      else expect(answer.body).toMatchObject({ changedCount: 0, skippedCount: 1 });
      expect(answer.body.scheduledCount).toBe(0);
    }
    expect(answers.filter((a) => a.body.dedup === true).length).toBeGreaterThan(0);

    await h.stack.settle();
    const job = await getJob(h, jobId);
    expect(job.status).toBe('success');
    const sent = updatesSince(h, since, c.sellerId);
    expect(sent.map((r) => r.body)).toEqual([updateBody([item(barcode, 7)])]);
  });
});
