import { randomUUID } from 'node:crypto';
import { createRepositories } from '../../../lambdas/adapters/postgres';
import { TrendyolHttpClient } from '../../../lambdas/adapters/trendyol/trendyol-http-client';
import { noMetrics } from '../../../lambdas/composition/observability';
import { renderChunkBody, sha256Hex } from '../../../lambdas/domain/chunk';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';
import { createPollBatchHandler } from '../../../lambdas/handlers/poll-batch-app';
import type { BarcodeState, Connection, Job } from '../../../lambdas/ports/repositories';
import type { PollDeps, PollInput, PollOutput } from '../../../lambdas/use-cases/poll-batch';
import { type AslDefinition, synthesizeConfirmationDefinition } from '../../../lib/confirmation-definition';
import { CONFIRMATION_STATES } from '../../../lib/constructs/confirmation-workflow';
import { LocalSecretStore } from '../../../local/engines/local-secret-store';
import {
  LocalConfirmationWorkflow,
  type LocalExecution,
  type LocalWorkflowOptions,
} from '../../../local/runtime/local-confirmation-workflow';
import {
  createManualClock,
  createTrendyolSimulator,
  type ManualClock,
  type ProcessingDelay,
  type TrendyolSimulator,
} from '../../../local/simulator/simulator';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

export const SELLER_ID = 300001;
export const API_KEY = 'confirmation-key';
export const API_SECRET = 'confirmation-secret';
/** Barcodes the simulated seller has locked: Trendyol refuses every update of them per item. */
export const LOCKED_BARCODES = ['LOCKED-1'];
export const START = Date.UTC(2026, 2, 2, 9, 0, 0);

type TaskHandler = LocalWorkflowOptions['taskHandlers'][string];
type TaskInput = Parameters<TaskHandler>[0];

/** One PollBatch invocation as the harness saw it (simulated times). */
export interface PollCall {
  batchRequestId: string;
  startedAt: number;
  endedAt: number;
  /** What the function returned (SETTLED), or undefined when it threw `signal`. */
  output?: PollOutput;
  /** The error the function threw (`BatchPending`, `BatchUnconfirmed`, …). */
  signal?: string;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
}

/** Step Functions' wait before retry n (0-based) of a retrier (ASL "Retrying after an error"). */
export function retryWaitMs(retrier: Retrier, n: number): number {
  const wait = retrier.IntervalSeconds * retrier.BackoffRate ** n;
  return (retrier.MaxDelaySeconds === undefined ? wait : Math.min(wait, retrier.MaxDelaySeconds)) * 1000;
}

export interface PushedBatch {
  connection: Connection;
  job: Job;
  batchRequestId: string;
  submittedAt: string;
}

export interface ConfirmationHarness {
  readonly clock: ManualClock;
  readonly simulator: TrendyolSimulator;
  readonly workflow: LocalConfirmationWorkflow;
  readonly deps: PollDeps;
  readonly definition: AslDefinition;
  readonly polls: PollCall[];
  /** The synthesized PollBatch retrier of `BatchPending` (the back-off schedule). */
  readonly pendingRetrier: Retrier;
  /** A new connection (own connection state) bound to the simulated seller. */
  createConnection(): Promise<Connection>;
  /**
   * Records a push job for `items` (intents recorded), sends its body to the simulator through the
   * Trendyol client with the given processing delay and records Trendyol's acceptance.
   */
  pushBatch(connection: Connection, items: InventoryItem[], delay: ProcessingDelay): Promise<PushedBatch>;
  /** Starts the confirmation execution of a pushed batch (as the consumer's hand-off does). */
  start(batch: PushedBatch): Promise<void>;
  /** Pushes, starts and drains: the whole life of one batch. */
  confirm(connection: Connection, items: InventoryItem[], delay: ProcessingDelay): Promise<PushedBatch>;
  execution(batchRequestId: string): LocalExecution;
  barcodeStates(connectionId: string, barcodes: readonly string[]): Promise<BarcodeState[]>;
  close(): Promise<void>;
}

/**
 * The confirmation workflow end to end on one simulated timeline: the definition synthesized from the
 * CDK stack runs in aws-local-stepfunctions with its retry intervals shortened to 0 ms, and the
 * PollBatch task moves the shared manual clock by the retry wait the definition would have taken
 * before calling the real poll handler against a migrated database and the Trendyol simulator. Sleeps inside the use case move
 * the same clock, so hours of polling take milliseconds. Concurrent executions share that clock, so
 * their waits add up: simulated time runs faster than on AWS, never slower.
 */
export async function createConfirmationHarness(): Promise<ConfirmationHarness> {
  const definition = synthesizeConfirmationDefinition('dev');
  const retriers = (definition.States[CONFIRMATION_STATES.pollBatch]?.Retry ?? []) as Retrier[];

  const clock = createManualClock(START);
  let testDb: TestDatabase | undefined;
  let simulator: TrendyolSimulator | undefined;
  try {
    testDb = await createTestDatabase();
    simulator = await createTrendyolSimulator({
      port: 0,
      clock,
      seed: 7,
      sellers: [
        {
          sellerId: SELLER_ID,
          apiKey: API_KEY,
          apiSecret: API_SECRET,
          approvedBarcodes: 'any',
          lockedBarcodes: LOCKED_BARCODES,
        },
      ],
    });
  } catch (error) {
    await simulator?.close();
    await testDb?.close();
    throw error;
  }
  const db = testDb;
  const sim = simulator;
  const repositories = createRepositories(db.db);
  const secrets = new LocalSecretStore();
  const deps: PollDeps = {
    ...repositories,
    secrets,
    marketplace: new TrendyolHttpClient(),
    clock,
    sleep: async (ms) => clock.advance(ms),
  };

  const polls: PollCall[] = [];
  const handler = createPollBatchHandler(async () => ({
    ...deps,
    metrics: noMetrics,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  }));
  // Per batch: the error its last poll threw and how often each retrier has run (as Step Functions keeps).
  const retryState = new Map<string, { lastSignal?: string; used: number[] }>();
  const pollOnce = async (raw: TaskInput): Promise<TaskInput> => {
    const input = raw as unknown as PollInput;
    const state = retryState.get(input.batchRequestId) ?? { used: retriers.map(() => 0) };
    retryState.set(input.batchRequestId, state);
    if (state.lastSignal !== undefined) {
      // The retry before this poll really waited this long on AWS; locally it took 0 ms.
      const signal = state.lastSignal;
      const index = retriers.findIndex((r) => r.ErrorEquals.includes(signal));
      const retrier = retriers[index];
      if (!retrier) throw new Error(`no retrier for ${signal}`);
      clock.advance(retryWaitMs(retrier, state.used[index] ?? 0));
      state.used[index] = (state.used[index] ?? 0) + 1;
    }
    const startedAt = clock.now().getTime();
    try {
      const output = await handler(input);
      polls.push({ batchRequestId: input.batchRequestId, startedAt, endedAt: clock.now().getTime(), output });
      state.lastSignal = undefined;
      return { ...output };
    } catch (error) {
      const signal = (error as Error).name;
      polls.push({ batchRequestId: input.batchRequestId, startedAt, endedAt: clock.now().getTime(), signal });
      state.lastSignal = signal;
      throw error;
    }
  };
  // Invocations run one at a time: each is atomic on the shared timeline, so executions running side by
  // side (out-of-order batches) interleave poll by poll, deterministically, whatever the database driver.
  let pollQueue: Promise<unknown> = Promise.resolve();
  const pollTask = (raw: TaskInput): Promise<TaskInput> => {
    const next = pollQueue.then(() => pollOnce(raw));
    pollQueue = next.catch(() => undefined);
    return next;
  };
  const workflow = new LocalConfirmationWorkflow({
    definition: definition as unknown as LocalWorkflowOptions['definition'],
    taskHandlers: { [CONFIRMATION_STATES.pollBatch]: pollTask },
    waitOverridesMs: { [CONFIRMATION_STATES.pollBatch]: 0 },
  });

  const harness: ConfirmationHarness = {
    clock,
    simulator: sim,
    workflow,
    deps,
    definition,
    polls,
    pendingRetrier: (() => {
      const found = retriers.find((r) => r.ErrorEquals.includes('BatchPending'));
      if (!found) throw new Error('no BatchPending retrier in the definition');
      return found;
    })(),

    async createConnection() {
      const id = `conn-${randomUUID()}`;
      const secretRef = await secrets.put(id, { apiKey: API_KEY, apiSecret: API_SECRET });
      return repositories.connections.create(
        {
          id,
          type: 'trendyol',
          name: `Simulated seller ${id}`,
          sellerId: SELLER_ID,
          baseUrl: sim.url,
          integratorName: 'ECI',
          secretRef,
          status: 'active',
          writeRateLimitPerMinute: 350,
        },
        clock.now(),
      );
    },

    async pushBatch(connection, items, delay) {
      const body = renderChunkBody(items);
      const jobId = `job-${randomUUID()}`;
      await repositories.jobs.createPushJobs(
        [
          {
            id: jobId,
            status: 'queued',
            connectionId: connection.id,
            pushId: `push-${jobId}`,
            chunkIndex: 0,
            bodyHash: sha256Hex(body),
            body,
            items,
            options: {
              dryRun: false,
              force: true,
              forceWrite: true,
              originalCount: items.length,
              coalescedCount: items.length,
            },
            notBefore: null,
            recordsIntent: true,
          },
        ],
        clock.now(),
      );
      const { job } = await repositories.jobs.startAttempt(jobId, clock.now());
      if (!job) throw new Error(`job ${jobId} could not start`);
      sim.setNextBatchDelays([delay]);
      const credentials = await secrets.get(connection.secretRef);
      const outcome = await deps.marketplace.updatePriceAndInventory(connection, credentials, job.body);
      if (outcome.kind !== 'accepted')
        throw new Error(`simulator refused the push: ${JSON.stringify(outcome)}`);
      const submittedAt = clock.now().toISOString();
      await repositories.jobs.recordAccepted(
        jobId,
        outcome.batchRequestId,
        { batchRequestId: outcome.batchRequestId },
        clock.now(),
      );
      return { connection, job, batchRequestId: outcome.batchRequestId, submittedAt };
    },

    async start(batch) {
      await workflow.start({
        connectionId: batch.connection.id,
        jobId: batch.job.id,
        batchRequestId: batch.batchRequestId,
        submittedAt: batch.submittedAt,
      });
    },

    async confirm(connection, items, delay) {
      const batch = await harness.pushBatch(connection, items, delay);
      await harness.start(batch);
      await workflow.drain();
      return batch;
    },

    execution(batchRequestId) {
      const found = [...workflow.executions.values()].find((e) => e.input.batchRequestId === batchRequestId);
      if (!found) throw new Error(`no execution for batch ${batchRequestId}`);
      return found;
    },

    barcodeStates(connectionId, barcodes) {
      return repositories.inventory.getBarcodeStates(connectionId, barcodes, 20);
    },

    async close() {
      await workflow.abortAll();
      await sim.close();
      await db.close();
    },
  };
  return harness;
}

/** The job's `confirmation` summary block, as the poll use case wrote it. */
export async function confirmationOf(harness: ConfirmationHarness, jobId: string) {
  const job = await harness.deps.jobs.get(jobId);
  const confirmation = job?.summary?.confirmation;
  if (!confirmation || typeof confirmation !== 'object') throw new Error(`job ${jobId} has no confirmation`);
  return confirmation as Record<string, unknown>;
}
