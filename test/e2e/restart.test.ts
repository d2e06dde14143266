import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

const dataDir = mkdtempSync(path.join(tmpdir(), 'eci-restart-'));
const options = {
  port: 0,
  simulatorPort: 0,
  dataDir,
  autoConsume: false,
  simulatorProcessingDelayMs: 0,
  waitOverridesMs: { PollBatch: 0 },
  releaseIntervalMs: 3_600_000,
};
let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start stops and restarts with its data', () => {
  it('keeps connections, jobs and dedup records, and finishes chunks that were still queued', async () => {
    stack = await startLocalStack(options);
    const first = apiClient(stack);
    const connectionId = stack.demoConnectionId;
    const pushed = await first.push(connectionId, [{ barcode: 'RESTART-1', quantity: 4 }], '?forceWrite=1');
    expect(pushed.status).toBe(202);
    // Stop before the consumer ran: the emulated queue forgets the message.
    await stack.stop();

    stack = await startLocalStack(options);
    const again = apiClient(stack);
    expect(stack.demoConnectionId).toBe(connectionId);
    expect(stack.resumed).toEqual({ requeued: 1, followed: 0 });
    expect((await again.get(`/v1/jobs/${pushed.body.jobId}`)).body).toMatchObject({ status: 'queued' });

    await stack.settle();
    expect((await again.get(`/v1/jobs/${pushed.body.jobId}`)).body).toMatchObject({
      status: 'success',
      attempts: 1,
    });
    const state = await again.get(`/v1/inventory/state?connectionId=${connectionId}&barcode=RESTART-1`);
    expect(state.body).toMatchObject({ items: [{ confirmed: { quantity: 4 } }] });

    // The 15-minute dedup record survived the restart too.
    const repeat = await again.push(
      connectionId,
      [{ barcode: 'RESTART-1', quantity: 4 }],
      '?force=1&forceWrite=1',
    );
    expect(repeat.body).toMatchObject({ dedup: true, jobId: pushed.body.jobId, enqueuedCount: 0 });
  });
});
