import { isBatchSettled, nextPollWaitSeconds } from '../domain/batch-settlement';
import type { Clock } from '../ports/clock';
import type { ConfirmationInput } from '../ports/confirmation-workflow';
import type { BatchOutcome, BatchResult, MarketplaceClient } from '../ports/marketplace';
import type {
  Connection,
  ConnectionRepository,
  InventoryRepository,
  ItemResult,
  Job,
  JobRepository,
} from '../ports/repositories';
import type { ConnectionCredentials, SecretStore } from '../ports/secret-store';
import { notFound } from './errors';
import { verifyThroughReadBack } from './read-back';

export interface PollDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
  secrets: SecretStore;
  marketplace: MarketplaceClient;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

export type PollStatus = 'SETTLED' | 'PENDING' | 'UNCONFIRMED';

/** What the state machine's Choice reads (`$.poll`). */
export interface PollOutput {
  status: PollStatus;
  attempt: number;
  nextWaitSeconds: number;
}

export interface PollInput extends ConfirmationInput {
  poll?: Partial<PollOutput>;
}

export interface PollOptions {
  /** How long one invocation keeps re-polling a batch that is not settled yet. @default 8000 */
  shortPollMs?: number;
  /** Pause between polls inside one invocation. @default 1000 */
  shortPollIntervalMs?: number;
}

export interface PollDetail {
  output: PollOutput;
  batch: BatchResult | null;
  confirmedUpserted: number;
  failedCount: number;
  job: Job;
}

function toItemResults(batch: BatchResult): ItemResult[] {
  return batch.items
    .filter((i) => i.status === 'SUCCESS' || i.status === 'FAILED')
    .map((i) => ({
      barcode: i.requestItem.barcode,
      status: i.status as 'SUCCESS' | 'FAILED',
      failureReasons: i.failureReasons ?? [],
    }));
}

/**
 * Follows one Trendyol batch: polls, and once every item has a final status records what Trendyol
 * confirmed or refused. Past the deadline it checks the values through read-back and ends the batch
 * UNCONFIRMED, visibly. The state machine and the on-demand route both run this.
 */
export async function pollBatch(
  deps: PollDeps,
  input: PollInput,
  options: PollOptions = {},
): Promise<PollDetail> {
  const attempt = (input.poll?.attempt ?? 0) + 1;
  const job = await deps.jobs.get(input.jobId);
  if (!job) throw notFound('JOB_NOT_FOUND', `Job ${input.jobId} does not exist.`);
  const connection = await deps.connections.get(job.connectionId);
  if (!connection) throw notFound('CONNECTION_NOT_FOUND', `Connection ${job.connectionId} does not exist.`);
  const credentials = await deps.secrets.get(connection.secretRef);
  const requested = job.items.map((i) => i.barcode);
  const submittedAt = new Date(input.submittedAt);

  const budgetEnd = deps.clock.now().getTime() + (options.shortPollMs ?? 8000);
  let outcome: BatchOutcome;
  for (;;) {
    outcome = await deps.marketplace.getBatchResult(connection, credentials, input.batchRequestId);
    const settled =
      outcome.kind === 'found' &&
      isBatchSettled(
        requested,
        outcome.batch.items.map((i) => ({ barcode: i.requestItem.barcode, status: i.status })),
      );
    if (settled || outcome.kind === 'gone') break;
    if (deps.clock.now().getTime() + (options.shortPollIntervalMs ?? 1000) > budgetEnd) break;
    await deps.sleep(options.shortPollIntervalMs ?? 1000);
  }

  const batch = outcome.kind === 'found' ? outcome.batch : null;
  if (
    batch &&
    isBatchSettled(
      requested,
      batch.items.map((i) => ({ barcode: i.requestItem.barcode, status: i.status })),
    )
  ) {
    const applied = await deps.inventory.applyBatchResult(
      {
        connectionId: job.connectionId,
        jobId: job.id,
        batchRequestId: input.batchRequestId,
        results: toItemResults(batch),
      },
      deps.clock.now(),
    );
    const results = toItemResults(batch);
    const drifted = await checkOvertakenValues(deps, connection, credentials, input.batchRequestId, results);
    const successCount = results.filter((r) => r.status === 'SUCCESS').length;
    const failedCount = results.length - successCount;
    const now = deps.clock.now();
    await deps.jobs.mergeSummary(
      job.id,
      {
        confirmation: {
          status: 'SETTLED',
          successCount,
          failedCount,
          settledAt: now.toISOString(),
          lagMs: now.getTime() - submittedAt.getTime(),
          polls: attempt,
          ...(drifted.length > 0 && { driftedBarcodes: drifted }),
        },
      },
      now,
    );
    const firstFailure = results.find((r) => r.status === 'FAILED');
    await deps.connections.updateState(
      job.connectionId,
      {
        ...(successCount > 0 && { lastSuccessAt: now.toISOString() }),
        lastStatus: successCount > 0 ? 'SUCCESS' : 'FAILED',
        lastError: firstFailure
          ? `${failedCount} item(s) failed in batch ${input.batchRequestId}, e.g. ${firstFailure.barcode}: ${firstFailure.failureReasons.join('; ')}`
          : null,
      },
      now,
    );
    return {
      output: { status: 'SETTLED', attempt, nextWaitSeconds: 0 },
      batch,
      confirmedUpserted: applied.confirmedUpserted,
      failedCount: applied.failed,
      job,
    };
  }

  const wait = outcome.kind === 'gone' ? null : nextPollWaitSeconds(attempt, submittedAt, deps.clock.now());
  if (wait !== null) {
    return {
      output: { status: 'PENDING', attempt, nextWaitSeconds: wait },
      batch,
      confirmedUpserted: 0,
      failedCount: 0,
      job,
    };
  }

  // The result can no longer be read (expired or never settled): ask Trendyol for the live values.
  const verified = await verifyThroughReadBack(deps, job, connection, credentials);
  const now = deps.clock.now();
  await deps.jobs.mergeSummary(
    job.id,
    {
      confirmation: {
        status: 'UNCONFIRMED',
        readBackMatched: verified,
        polls: attempt,
        endedAt: now.toISOString(),
      },
    },
    now,
  );
  await deps.connections.updateState(
    job.connectionId,
    verified
      ? { lastSuccessAt: now.toISOString(), lastStatus: 'SUCCESS', lastError: null }
      : {
          lastStatus: 'FAILED',
          lastError: `Batch ${input.batchRequestId} never settled before Trendyol's 4-hour limit; read-back does not show its values.`,
        },
    now,
  );
  return {
    output: { status: 'UNCONFIRMED', attempt, nextWaitSeconds: 0 },
    batch,
    confirmedUpserted: verified ? job.items.length : 0,
    failedCount: 0,
    job,
  };
}

/** GET /v1/inventory/batch/:batchRequestId — one poll on demand, through the same use case. */
export async function pollBatchOnDemand(deps: PollDeps, batchRequestId: string) {
  const job = await deps.jobs.findByBatchRequestId(batchRequestId);
  if (!job) throw notFound('BATCH_NOT_FOUND', `No job of ECI sent batch ${batchRequestId}.`);
  const detail = await pollBatch(
    deps,
    {
      connectionId: job.connectionId,
      jobId: job.id,
      batchRequestId,
      submittedAt: job.startedAt ?? job.createdAt,
      poll: { attempt: 0 },
    },
    { shortPollMs: 0 },
  );
  return {
    ...(detail.batch?.raw ?? { batchRequestId, items: [] }),
    _eci: {
      confirmedUpserted: detail.confirmedUpserted,
      failed: detail.failedCount,
      status: detail.output.status,
      jobId: job.id,
      connectionId: job.connectionId,
    },
  };
}

/**
 * A batch that settles after a newer batch of the same barcode was confirmed may have been applied
 * last by Trendyol, leaving the older value live while ECI records the newer one. For those barcodes
 * the live value is read back; where it differs, the seller's value is marked for sending again.
 */
async function checkOvertakenValues(
  deps: PollDeps,
  connection: Connection,
  credentials: ConnectionCredentials,
  batchRequestId: string,
  results: ItemResult[],
): Promise<string[]> {
  const succeeded = results.filter((r) => r.status === 'SUCCESS').map((r) => r.barcode);
  if (succeeded.length === 0) return [];
  const states = await deps.inventory.getBarcodeStates(connection.id, succeeded, 0);
  const overtaken = states.filter((s) => s.confirmed && s.confirmed.batchRequestId !== batchRequestId);
  const drifted: string[] = [];
  for (let start = 0; start < overtaken.length; start += 50) {
    const page = overtaken.slice(start, start + 50);
    const outcome = await deps.marketplace.readBack(
      connection,
      credentials,
      page.map((s) => s.barcode),
    );
    if (outcome.kind !== 'found') continue;
    const live = new Map(outcome.values.map((v) => [v.barcode, v]));
    for (const state of page) {
      const confirmed = state.confirmed;
      const value = live.get(state.barcode);
      if (!confirmed || !value) continue;
      const differs =
        (confirmed.quantity !== null && value.quantity !== confirmed.quantity) ||
        (confirmed.salePrice !== null && value.salePrice !== confirmed.salePrice) ||
        (confirmed.listPrice !== null && value.listPrice !== confirmed.listPrice);
      if (differs) drifted.push(state.barcode);
    }
  }
  if (drifted.length > 0) {
    await deps.inventory.markDrifted(
      connection.id,
      drifted,
      `Trendyol applied the older batch ${batchRequestId} after the confirmed value; it will be sent again.`,
      deps.clock.now(),
    );
  }
  return drifted;
}
