import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_RESULT_RETENTION_MS } from '../../../lambdas/domain/batch-settlement';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';
import { POLL_RETRIERS } from '../../../lambdas/domain/poll-retry';
import { mulberry32 } from '../../../local/simulator/prng';
import { FAILURE_REASONS } from '../../../local/simulator/simulator';
import {
  type ConfirmationHarness,
  confirmationOf,
  createConfirmationHarness,
  LOCKED_BARCODES,
  retryWaitMs,
  SELLER_ID,
} from './harness';

const HOUR_MS = 60 * 60 * 1000;
/** PollBatch, which ends the execution itself when the batch is settled. */
const ONE_POLL_TRANSITIONS = 1;
/** Every further poll is a retry of PollBatch on BatchPending. */
const TRANSITIONS_PER_EXTRA_POLL = 1;

let harness: ConfirmationHarness;

beforeAll(async () => {
  harness = await createConfirmationHarness();
});

afterAll(async () => {
  await harness?.close();
});

async function stateOf(connectionId: string, barcode: string) {
  const [state] = await harness.barcodeStates(connectionId, [barcode]);
  if (!state) throw new Error(`no state for ${barcode}`);
  return state;
}

async function connectionStateOf(connectionId: string) {
  const state = await harness.deps.connections.getState(connectionId);
  if (!state) throw new Error(`no connection state for ${connectionId}`);
  return state;
}

function pollsOf(batchRequestId: string) {
  return harness.polls.filter((p) => p.batchRequestId === batchRequestId);
}

/** What each poll of a batch ended with: SETTLED (returned) or the error it threw. */
function outcomesOf(batchRequestId: string) {
  return pollsOf(batchRequestId).map((p) => p.output?.status ?? p.signal);
}

describe('confirmation workflow (synthesized definition, simulated time)', () => {
  it('settles on the first poll: 1 transition, confirmed values equal the pushed ones', async () => {
    const connection = await harness.createConnection();
    const item: InventoryItem = { barcode: 'FIRST-1', quantity: 7, salePrice: 11285, listPrice: 12000 };
    const batch = await harness.confirm(connection, [item], 1000);

    const execution = harness.execution(batch.batchRequestId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.transitions).toBe(ONE_POLL_TRANSITIONS);
    expect(pollsOf(batch.batchRequestId).map((p) => p.output)).toEqual([
      { status: 'SETTLED', attempt: 1, nextWaitSeconds: 0 },
    ]);

    // The first invocation looks after 2 s (FIRST_INVOCATION_POLLING), when the 1 s batch is processed.
    const settledAt = new Date(Date.parse(batch.submittedAt) + 2000).toISOString();
    const state = await stateOf(connection.id, 'FIRST-1');
    expect(state.confirmed).toEqual({
      ...item,
      batchRequestId: batch.batchRequestId,
      confirmedAt: settledAt,
    });
    expect(state.inFlight).toMatchObject({ ...item, status: 'confirmed', jobId: batch.job.id });
    expect(state.history.map((h) => h.event)).toEqual(['confirmed', 'sent', 'pushed']);
    expect(state.history[0]).toMatchObject({
      batchRequestId: batch.batchRequestId,
      failureReasons: null,
      at: settledAt,
    });
    expect(harness.simulator.liveValue(SELLER_ID, 'FIRST-1')).toMatchObject({
      quantity: 7,
      salePriceCents: 11285,
      listPriceCents: 12000,
    });

    expect(await confirmationOf(harness, batch.job.id)).toEqual({
      status: 'SETTLED',
      successCount: 1,
      failedCount: 0,
      settledAt,
      lagMs: 2000,
      polls: 1,
    });
    expect(await connectionStateOf(connection.id)).toMatchObject({
      lastStatus: 'SUCCESS',
      lastSuccessAt: settledAt,
      lastError: null,
    });
  });

  it('settles late: several polls, 1 more transition per extra poll (a retry), lag close to the delay', async () => {
    const connection = await harness.createConnection();
    const item: InventoryItem = { barcode: 'LATE-1', quantity: 12, salePrice: 4990, listPrice: 5990 };
    const delayMs = 45_000;
    const batch = await harness.confirm(connection, [item], delayMs);

    const execution = harness.execution(batch.batchRequestId);
    const polls = pollsOf(batch.batchRequestId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(polls.length).toBeGreaterThan(1);
    expect(outcomesOf(batch.batchRequestId)).toEqual([
      ...Array.from({ length: polls.length - 1 }, () => 'BatchPending'),
      'SETTLED',
    ]);
    expect(execution.transitions).toBe(
      ONE_POLL_TRANSITIONS + TRANSITIONS_PER_EXTRA_POLL * (polls.length - 1),
    );

    const confirmation = await confirmationOf(harness, batch.job.id);
    // The retry before the last poll (the retries so far: polls - 2).
    const lastWaitMs = retryWaitMs(harness.pendingRetrier, polls.length - 2);
    expect(confirmation).toMatchObject({
      status: 'SETTLED',
      successCount: 1,
      failedCount: 0,
      polls: polls.length,
    });
    // Settled after the batch was processed, and no later than one back-off wait after that.
    const lagMs = confirmation.lagMs as number;
    expect(lagMs).toBeGreaterThanOrEqual(delayMs);
    expect(lagMs).toBeLessThanOrEqual(delayMs + lastWaitMs);

    const settledAt = confirmation.settledAt as string;
    expect(Date.parse(settledAt) - Date.parse(batch.submittedAt)).toBe(lagMs);
    const state = await stateOf(connection.id, 'LATE-1');
    expect(state.confirmed).toEqual({
      ...item,
      batchRequestId: batch.batchRequestId,
      confirmedAt: settledAt,
    });
    expect(state.inFlight).toMatchObject({ status: 'confirmed', jobId: batch.job.id });
    expect(await connectionStateOf(connection.id)).toMatchObject({
      lastStatus: 'SUCCESS',
      lastSuccessAt: settledAt,
      lastError: null,
    });
  });

  it('never settles: ends FAILED (BatchUnconfirmed) before 4 hours, checked through read-back', async () => {
    const connection = await harness.createConnection();
    const item: InventoryItem = { barcode: 'NEVER-1', quantity: 5, salePrice: 2500, listPrice: 3000 };
    const batch = await harness.confirm(connection, [item], 'never');

    const execution = harness.execution(batch.batchRequestId);
    const polls = pollsOf(batch.batchRequestId);
    expect(execution.status).toBe('FAILED');
    // The run ended in the BatchUnconfirmed Fail state (its Cause is what the local engine reports).
    const failState = harness.definition.States.BatchUnconfirmed;
    expect(failState?.Error).toBe('BatchUnconfirmed');
    expect(execution.error).toContain(String(failState?.Cause));
    const outcomes = outcomesOf(batch.batchRequestId);
    const nearDeadline = outcomes.filter((o) => o === 'BatchPendingNearDeadline').length;
    expect(outcomes).toEqual([
      ...Array.from({ length: polls.length - 1 - nearDeadline }, () => 'BatchPending'),
      ...Array.from({ length: nearDeadline }, () => 'BatchPendingNearDeadline'),
      'BatchUnconfirmed',
    ]);
    // The last quarter hour is polled every minute, so the deadline is not stepped over.
    expect(nearDeadline).toBeGreaterThan(0);
    expect(nearDeadline).toBeLessThanOrEqual(POLL_RETRIERS[1].maxAttempts);
    // Every poll a transition, plus the BatchUnconfirmed Fail state the error is caught into.
    expect(execution.transitions).toBe(
      ONE_POLL_TRANSITIONS + TRANSITIONS_PER_EXTRA_POLL * (polls.length - 1) + 1,
    );

    const elapsedMs = harness.clock.now().getTime() - Date.parse(batch.submittedAt);
    expect(elapsedMs).toBeGreaterThan(3 * HOUR_MS);
    expect(elapsedMs).toBeLessThan(BATCH_RESULT_RETENTION_MS);
    // Every poll, the read-back included, happened while Trendyol still kept the batch result.
    expect(Math.max(...polls.map((p) => p.endedAt)) - Date.parse(batch.submittedAt)).toBeLessThan(
      4 * HOUR_MS,
    );

    expect(await confirmationOf(harness, batch.job.id)).toEqual({
      status: 'UNCONFIRMED',
      readBackMatched: false,
      polls: polls.length,
      endedAt: harness.clock.now().toISOString(),
    });
    const state = await stateOf(connection.id, 'NEVER-1');
    expect(state.confirmed).toBeNull();
    // Not "in flight" for ever: the unresolved value is failed, so the next push of it is sent.
    expect(state.inFlight).toMatchObject({ ...item, status: 'failed', jobId: batch.job.id });
    expect(state.history.map((h) => h.event)).toEqual(['failed', 'sent', 'pushed']);
    expect((await harness.deps.jobs.get(batch.job.id))?.confirmation).toBe('unconfirmed');

    const connectionState = await connectionStateOf(connection.id);
    expect(connectionState.lastStatus).toBe('FAILED');
    expect(connectionState.lastSuccessAt).toBeNull();
    expect(connectionState.lastError).toContain(batch.batchRequestId);
    expect(connectionState.lastError).toContain('4-hour limit');
  });

  it('never settles but read-back shows the values: still unconfirmed, values confirmed by read-back', async () => {
    const connection = await harness.createConnection();
    const item: InventoryItem = { barcode: 'NEVER-2', quantity: 9, salePrice: 1500, listPrice: 1500 };
    harness.simulator.setProduct(SELLER_ID, {
      barcode: 'NEVER-2',
      quantity: 9,
      salePrice: 15,
      listPrice: 15,
    });
    const batch = await harness.confirm(connection, [item], 'never');

    const execution = harness.execution(batch.batchRequestId);
    expect(execution.status).toBe('FAILED');
    const confirmation = await confirmationOf(harness, batch.job.id);
    expect(confirmation).toMatchObject({ status: 'UNCONFIRMED', readBackMatched: true });
    const state = await stateOf(connection.id, 'NEVER-2');
    expect(state.confirmed).toEqual({
      ...item,
      batchRequestId: batch.batchRequestId,
      confirmedAt: confirmation.endedAt,
    });
    expect(await connectionStateOf(connection.id)).toMatchObject({
      lastStatus: 'SUCCESS',
      lastSuccessAt: confirmation.endedAt,
      lastError: null,
    });
  });

  it("partial success: the SUCCESS item is confirmed, the FAILED one keeps Trendyol's reason verbatim", async () => {
    const connection = await harness.createConnection();
    const lockedBarcode = LOCKED_BARCODES[0] ?? '';
    const approved: InventoryItem = { barcode: 'PARTIAL-OK', quantity: 3, salePrice: 5000, listPrice: 6000 };
    const locked: InventoryItem = { barcode: lockedBarcode, quantity: 4, salePrice: 7000, listPrice: 8000 };
    const batch = await harness.confirm(connection, [approved, locked], 1000);

    const execution = harness.execution(batch.batchRequestId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.transitions).toBe(ONE_POLL_TRANSITIONS);

    const reported = harness.simulator
      .batch(batch.batchRequestId)
      ?.items.find((i) => i.requestItem.barcode === lockedBarcode);
    expect(reported?.status).toBe('FAILED');
    expect(reported?.failureReasons).toEqual([FAILURE_REASONS.locked]);
    expect(FAILURE_REASONS.locked).toBe('Ürün kilitli olduğu için güncellenemez');

    const [okState, lockedState] = await harness.barcodeStates(connection.id, ['PARTIAL-OK', lockedBarcode]);
    expect(okState?.confirmed).toMatchObject({ ...approved, batchRequestId: batch.batchRequestId });
    expect(okState?.inFlight).toMatchObject({ status: 'confirmed', jobId: batch.job.id });
    expect(lockedState?.confirmed).toBeNull();
    expect(lockedState?.inFlight).toMatchObject({ ...locked, status: 'failed', jobId: batch.job.id });
    expect(lockedState?.history.map((h) => h.event)).toEqual(['failed', 'sent', 'pushed']);
    expect(lockedState?.history[0]).toMatchObject({
      event: 'failed',
      batchRequestId: batch.batchRequestId,
      failureReasons: ['Ürün kilitli olduğu için güncellenemez'],
      quantity: 4,
      salePrice: 7000,
      listPrice: 8000,
    });

    const confirmation = await confirmationOf(harness, batch.job.id);
    expect(confirmation).toMatchObject({ status: 'SETTLED', successCount: 1, failedCount: 1, polls: 1 });
    expect(await connectionStateOf(connection.id)).toMatchObject({
      lastStatus: 'PARTIAL',
      lastSuccessAt: confirmation.settledAt,
      lastError: `1 item(s) failed in batch ${batch.batchRequestId}, e.g. ${lockedBarcode}: Ürün kilitli olduğu için güncellenemez`,
    });
  });

  it('two batches of one barcode settling out of order: the newer value stays confirmed', async () => {
    const connection = await harness.createConnection();
    const older: InventoryItem = { barcode: 'ORDER-1', quantity: 10, salePrice: 10000, listPrice: 11000 };
    const newer: InventoryItem = { barcode: 'ORDER-1', quantity: 20, salePrice: 12000, listPrice: 13000 };
    const olderBatch = await harness.pushBatch(connection, [older], 30_000);
    const newerBatch = await harness.pushBatch(connection, [newer], 2000);
    expect(newerBatch.job.seq).toBeGreaterThan(olderBatch.job.seq);
    await harness.start(olderBatch);
    await harness.start(newerBatch);
    await harness.workflow.drain();

    expect(harness.execution(olderBatch.batchRequestId).status).toBe('SUCCEEDED');
    expect(harness.execution(newerBatch.batchRequestId).status).toBe('SUCCEEDED');
    const olderConfirmation = await confirmationOf(harness, olderBatch.job.id);
    const newerConfirmation = await confirmationOf(harness, newerBatch.job.id);
    expect(olderConfirmation).toMatchObject({ status: 'SETTLED', successCount: 1, failedCount: 0 });
    expect(newerConfirmation).toMatchObject({ status: 'SETTLED', successCount: 1, failedCount: 0 });
    // The case under test: the newer batch settled on its first poll, the older one later.
    expect(outcomesOf(newerBatch.batchRequestId)).toEqual(['SETTLED']);
    expect(pollsOf(olderBatch.batchRequestId).length).toBeGreaterThan(1);
    expect(Date.parse(olderConfirmation.settledAt as string)).toBeGreaterThan(
      Date.parse(newerConfirmation.settledAt as string),
    );

    const state = await stateOf(connection.id, 'ORDER-1');
    expect(state.confirmed).toEqual({
      ...newer,
      batchRequestId: newerBatch.batchRequestId,
      confirmedAt: newerConfirmation.settledAt,
    });
    const olderEvents = state.history.filter((h) => h.jobId === olderBatch.job.id).map((h) => h.event);
    expect(olderEvents).toContain('superseded');

    // The simulator applied the older batch last, so Trendyol now holds the older value: ECI notices
    // through read-back and marks the seller's (newer) value to be sent again, with the reason kept.
    expect(harness.simulator.liveValue(connection.sellerId, 'ORDER-1')).toMatchObject({ quantity: 10 });
    expect(olderConfirmation).toMatchObject({ driftedBarcodes: ['ORDER-1'] });
    expect(newerConfirmation.driftedBarcodes).toBeUndefined();
    const drift = state.history.find((h) => h.jobId === newerBatch.job.id && h.event === 'failed');
    expect(drift?.failureReasons?.[0]).toMatch(/older batch .* after the confirmed value/);
    // The correction is scheduled like a revert: a job of its own now carries the seller's value.
    expect(state.inFlight).toMatchObject({ ...newer, status: 'pending' });
    const correction = await harness.deps.jobs.get(state.inFlight?.jobId ?? '');
    expect(correction).toMatchObject({ status: 'scheduled', items: [newer] });
    expect(correction?.id).not.toBe(newerBatch.job.id);
    const known = await harness.deps.inventory.findKnownValues(connection.id, ['ORDER-1']);
    expect(known.get('ORDER-1')).toMatchObject({ status: 'pending', quantity: 20, jobId: correction?.id });
  });

  it('measures transitions and confirmation lag for batches that settle within 5 s', async () => {
    const random = mulberry32(20260302);
    const delays = Array.from({ length: 20 }, () => Math.round(random() * 5000));
    const connection = await harness.createConnection();
    const transitions: number[] = [];
    const lags: number[] = [];
    for (const [index, delay] of delays.entries()) {
      const barcode = `MEASURE-${String(index).padStart(2, '0')}`;
      const batch = await harness.confirm(connection, [{ barcode, quantity: index + 1 }], delay);
      const execution = harness.execution(batch.batchRequestId);
      expect(execution.status).toBe('SUCCEEDED');
      transitions.push(execution.transitions);
      const confirmation = await confirmationOf(harness, batch.job.id);
      lags.push(confirmation.lagMs as number);
      expect(confirmation.lagMs as number).toBeGreaterThanOrEqual(delay);
    }
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const meanTransitions = mean(transitions);
    const meanLagMs = mean(lags);
    console.log(
      `[confirmation measurement] ${delays.length} batches, delays 0–5 s (seed 20260302): ` +
        `mean transitions ${meanTransitions.toFixed(2)} (max ${Math.max(...transitions)}), ` +
        `mean confirmation lag ${(meanLagMs / 1000).toFixed(2)} s (min ${Math.min(...lags) / 1000} s, ` +
        `max ${Math.max(...lags) / 1000} s); mean delay ${(mean(delays) / 1000).toFixed(2)} s`,
    );
    expect(meanTransitions).toBe(1);
  });
});
