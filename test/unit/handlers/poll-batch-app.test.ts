import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaEntry } from '../../../lambdas/composition/lambda-entry';
import { createMetricsSink } from '../../../lambdas/composition/observability';
import { parsePushRequest } from '../../../lambdas/domain/push-request';
import {
  createPollBatchHandler,
  POLL_INVOCATION_RESERVE_MS,
  type PollHandlerDeps,
} from '../../../lambdas/handlers/poll-batch-app';
import { consumeChunk } from '../../../lambdas/use-cases/consume-chunk';
import type { PollInput } from '../../../lambdas/use-cases/poll-batch';
import { pushInventory } from '../../../lambdas/use-cases/push-inventory';
import { captureStdoutJsonLines } from '../../support/emf';
import { CONNECTION, memoryPorts } from '../use-cases/in-memory-ports';

afterEach(() => vi.restoreAllMocks());

/** The EMF lines Powertools writes to stdout during `run`. */
async function emfDuring(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines = captureStdoutJsonLines();
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => '_aws' in e);
}

async function sentBatch() {
  const p = await memoryPorts();
  const request = parsePushRequest({ connectionId: CONNECTION.id, items: [{ barcode: 'P', quantity: 1 }] });
  const { body } = await pushInventory(p, request, { dryRun: false, force: true, forceWrite: true });
  const jobId = body.jobs[0]?.jobId ?? '';
  await consumeChunk({ ...p, random: () => 0.5 }, { jobId, receiveCount: 1, maxReceiveCount: 5 });
  const batchRequestId = (await p.jobs.get(jobId))?.batchRequestId ?? '';
  p.marketplace.getBatchResult = async () => ({ kind: 'gone', httpStatus: 404, latencyMs: 1 });
  const input: PollInput = {
    connectionId: CONNECTION.id,
    jobId,
    batchRequestId,
    submittedAt: p.clock.now().toISOString(),
    poll: { attempt: 1 },
  };
  return { p, input };
}

function entryFor(p: Awaited<ReturnType<typeof memoryPorts>>) {
  const deps: PollHandlerDeps = {
    ...p,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: createMetricsSink({
      AWS_LAMBDA_FUNCTION_NAME: 'eci-dev-poll-batch',
      POWERTOOLS_METRICS_NAMESPACE: 'ECI',
      POWERTOOLS_SERVICE_NAME: 'eci',
    }),
  };
  const poll = createPollBatchHandler(async () => deps);
  const handler = lambdaEntry(
    async () => deps,
    (input: PollInput, context) => poll(input, context),
  );
  const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
  return (input: PollInput) => handler(input, context);
}

describe("the poll function's signals are counted for its Errors alarm (PollSignals, service=eci)", () => {
  it('a pending batch throws BatchPending and flushes PollSignals = 1 on the error path', async () => {
    const { p, input } = await sentBatch();
    // Trendyol lists none of the batch's items yet.
    p.marketplace.getBatchResult = async () => ({
      kind: 'found',
      latencyMs: 1,
      batch: { batchRequestId: input.batchRequestId, raw: {}, items: [] },
    });
    const emf = await emfDuring(async () => {
      await expect(entryFor(p)(input)).rejects.toMatchObject({ name: 'BatchPending' });
    });
    const signals = emf.filter((e) => 'PollSignals' in e);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({
      PollSignals: 1,
      service: 'eci',
      _aws: { CloudWatchMetrics: [{ Namespace: 'ECI', Dimensions: [['service']] }] },
    });
  });

  it('an unconfirmed batch throws BatchUnconfirmed and flushes PollSignals = 1', async () => {
    const { p, input } = await sentBatch();
    p.clock.advance(4 * 3600_000);
    const emf = await emfDuring(async () => {
      await expect(entryFor(p)(input)).rejects.toMatchObject({ name: 'BatchUnconfirmed' });
    });
    const signals = emf.filter((e) => 'PollSignals' in e);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ PollSignals: 1, service: 'eci', BatchesUnconfirmed: 1 });
  });
});

describe("the poll function's invocation ends before its timeout", () => {
  it("stops waiting for read slots at its remaining time less one read's timeout and the writes", async () => {
    const { p, input } = await sentBatch();
    // Other pollers hold every read slot.
    const rateLimiter = { acquire: async () => ({ granted: false as const, retryAfterMs: 1_000 }) };
    const deps: PollHandlerDeps = {
      ...p,
      rateLimiter,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: { count: () => undefined, milliseconds: () => undefined, flush: () => undefined },
    };
    const start = p.clock.now().getTime();
    // 26 s left: the reads must be over 6 s from now (26 s − 20 s reserve), not after the 10.25 s slot wait.
    await expect(
      createPollBatchHandler(async () => deps)(
        { ...input, poll: { attempt: 0 } },
        { getRemainingTimeInMillis: () => POLL_INVOCATION_RESERVE_MS + 6_000 },
      ),
    ).rejects.toMatchObject({ name: 'BatchPending' });
    expect(p.clock.now().getTime() - start).toBeLessThanOrEqual(6_000);
  });
});
