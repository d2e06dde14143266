import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RateLimiter } from '../../lambdas/ports/rate-limiter';
import { startLocalStack } from '../runtime/local-stack';
import type { SimRequestRecord } from '../simulator/simulator';
import { type CostBreakdown, costPerMillionItems } from './cost-model';
import {
  awsCallCounter,
  countingDatabase,
  invocationCounter,
  percentile,
  resetDatabaseCounts,
  sleepCounter,
  sumCalls,
} from './instrument';
import { ownDatabase } from './own-database';

/** Items per push through the API: the push size, under the API's 5 MiB body limit. */
export const PUSH_SIZE = 50_000;

/** A push body of `n` distinct barcodes (compact fields, so 50,000 items stay under 5 MiB). */
export function compactPushBody(connectionId: string, prefix: string, n: number) {
  return {
    connectionId,
    items: Array.from({ length: n }, (_, i) => ({
      barcode: `${prefix}${String(i).padStart(6, '0')}`,
      quantity: i % 20_000,
      salePrice: 100 + (i % 97) / 4,
      listPrice: 150 + (i % 97) / 4,
    })),
  };
}

/** POSTs one push; returns the job ids. @throws Error unless the API answers 202. */
export async function postPush(apiUrl: string, apiKey: string, body: unknown): Promise<string[]> {
  const res = await fetch(`${apiUrl}/v1/inventory/push?forceWrite=1`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`push: HTTP ${res.status} ${text.slice(0, 300)}`);
  const parsed = JSON.parse(text) as { jobIds?: string[]; jobs?: Array<{ id?: string; jobId?: string }> };
  return parsed.jobIds ?? (parsed.jobs ?? []).map((j) => j.id ?? j.jobId ?? '');
}

export interface EndToEndResult {
  /** The database engine the run used: PostgreSQL when DATABASE_URL is set (as Aurora), else PGlite. */
  engine: 'postgresql' | 'pglite';
  items: number;
  pushes: number;
  chunks: number;
  /**
   * From the first push's request to the end of the last confirmation execution (every chunk
   * confirmed), s. The local harness notices the end later (its queue long poll, up to ~2 s): that
   * detection is `settledSeconds`, not counted, as nothing in AWS waits for it.
   */
  seconds: number;
  /** From the first push's request until the local harness saw the stack idle, s. */
  settledSeconds: number;
  itemsPerSecond: number;
  http429: number;
  /** The 429s by Trendyol endpoint (`update`, `batch`, …): which budget was exceeded. */
  http429ByEndpoint: Record<string, number>;
  /** Trendyol's ceiling for one seller: 50 writes per 10 s × 1,000 items. */
  trendyolCeilingItemsPerSecond: number;
  /** Where the time went (ms unless named otherwise). */
  profile: {
    pushApiMs: number;
    consumerInvocations: number;
    consumerMs: number;
    consumerMsPerChunk: number;
    rateLimitWaitMs: number;
    pollerInvocations: number;
    pollerMs: number;
    pollerMsPerChunk: number;
    /** Ms the poller's invocations spent asleep (its 2 s first look, its short polls), within pollerMs. */
    pollerSleepMs: number;
    /** pollerMs less pollerSleepMs: the poller's working time, per chunk. */
    pollerBusyMsPerChunk: number;
    /** Ms the consumer's invocations spent asleep (rate-limit and retry pauses), within consumerMs. */
    consumerSleepMs: number;
    databaseBusyMs: number;
    databaseStatementsPerChunk: number;
    databaseTransactionsPerChunk: number;
    /** Per handler: SQL statements and PGlite execution ms, each per chunk. */
    databasePerChunkByHandler: Record<string, { statements: number; ms: number }>;
    /** First to last update request Trendyol received, and the send rate over that span. */
    sendSpanSeconds: number;
    sendsPerSecond: number;
    /** From the run's start to Trendyol receiving the first update (s): the first push's own work. */
    firstSendSeconds: number;
    /** From Trendyol receiving the last update to the run's end, every chunk confirmed (s). */
    lastSendToDoneSeconds: number;
    confirmLagP95Seconds: number;
    /**
     * The longest and the p99 pause of this process's event loop (ms). Every local function, the
     * simulator and the emulators share it: a pause between a rate-limit grant and its request
     * reaching "Trendyol" is what the arrival margin must absorb.
     */
    eventLoopDelayMaxMs: number;
    eventLoopDelayP99Ms: number;
  };
  usage: Parameters<typeof costPerMillionItems>[0];
  cost: CostBreakdown;
}

/**
 * `items` distinct items in pushes of {@link PUSH_SIZE} on one connection, through the whole local
 * stack (API → SQS → consumer → simulator → confirmation workflow), until every chunk is confirmed.
 * The simulator settles each batch at once and enforces Trendyol's rolling limits (its default), so a
 * 429 is counted. Every AWS call, Lambda invocation, transition and SQL statement is counted for the
 * cost model. PostgreSQL from DATABASE_URL (Aurora's engine; in a database of the bench's own) when
 * set, else in-memory PGlite, which runs every statement synchronously on the one event loop.
 */
export async function endToEnd(
  items: number,
  options: {
    /** Receives the simulator's request log (bodies left out) before the stack stops. */
    onRequests?: (requests: ReadonlyArray<Omit<SimRequestRecord, 'body' | 'headers'>>) => void;
  } = {},
): Promise<EndToEndResult> {
  const databaseUrl = process.env.DATABASE_URL;
  const own = databaseUrl ? await ownDatabase(databaseUrl, '_eci_bench_e2e') : undefined;
  const database = countingDatabase(own?.url);
  const invocations = invocationCounter();
  const sleeps = sleepCounter();
  const stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    simulatorProcessingDelayMs: 0,
    releaseIntervalMs: 3_600_000,
    wrapHandler: invocations.wrap,
    overrides: { database: database.handle, sleep: sleeps.sleep },
  });
  // Waits the seller's write budget imposed on the consumer (a denied slot is slept for exactly its
  // retryAfterMs), counted apart from other sleeps such as the poller's first look after 2 s.
  const waits = countBudgetWaits(stack.functions.PushConsumer.rateLimiter);
  // Start counting after the stack's own setup (tables, migrations, demo connection).
  const aws = awsCallCounter();
  invocations.reset();
  for (const name of Object.keys(sleeps.msByHandler)) delete sleeps.msByHandler[name];
  resetDatabaseCounts(database.counts);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    // Wall clock, like the executions' end times and the simulator's request log.
    const started = performance.now();
    const startedAtMs = Date.now();
    let pushApiMs = 0;
    const jobIds: string[] = [];
    for (let pushed = 0, p = 0; pushed < items; pushed += PUSH_SIZE, p += 1) {
      const n = Math.min(PUSH_SIZE, items - pushed);
      const t = performance.now();
      jobIds.push(
        ...(await postPush(stack.apiUrl, stack.apiKey, compactPushBody(stack.demoConnectionId, `E${p}-`, n))),
      );
      pushApiMs += performance.now() - t;
    }
    await stack.settle(30 * 60_000);
    const settledSeconds = (performance.now() - started) / 1000;

    const executions = [...stack.workflow.executions.values()];
    const doneAtMs = Math.max(...executions.map((e) => e.endedAt ?? Date.now()));
    const seconds = (doneAtMs - startedAtMs) / 1000;
    const notConfirmed = executions.filter((e) => e.status !== 'SUCCEEDED').length;
    if (executions.length !== jobIds.length || notConfirmed > 0) {
      throw new Error(
        `${jobIds.length} chunks, ${executions.length} executions, ${notConfirmed} not confirmed`,
      );
    }
    const lagsMs: number[] = [];
    for (const id of jobIds) {
      const job = await stack.container.jobs.get(id);
      const lag = (job?.summary as { confirmation?: { lagMs?: number } } | null)?.confirmation?.lagMs;
      if (lag !== undefined) lagsMs.push(lag);
    }
    options.onRequests?.(stack.simulator.requests.map(({ body: _b, headers: _h, ...r }) => r));
    const http429ByEndpoint: Record<string, number> = {};
    for (const r of stack.simulator.requests) {
      if (r.status === 429)
        http429ByEndpoint[r.endpoint ?? 'other'] = (http429ByEndpoint[r.endpoint ?? 'other'] ?? 0) + 1;
    }
    const updates = stack.simulator.requests.filter((r) => r.endpoint === 'update');
    const sendTimes = updates.filter((r) => r.status === 200).map((r) => Date.parse(r.at));
    const sendSpanSeconds = (Math.max(...sendTimes) - Math.min(...sendTimes)) / 1000;
    const consumer = invocations.counts['push-consumer'] ?? { invocations: 0, totalMs: 0 };
    const poller = invocations.counts['poll-batch'] ?? { invocations: 0, totalMs: 0 };
    const lambdas = Object.values(invocations.counts);
    const chunks = jobIds.length;
    const usage = {
      items,
      sqsRequests: sumCalls(
        aws.calls,
        [
          'SendMessage',
          'SendMessageBatch',
          'ReceiveMessage',
          'DeleteMessage',
          'DeleteMessageBatch',
          'ChangeMessageVisibility',
        ],
        'units64KiB',
      ),
      lambdaInvocations: lambdas.reduce((a, l) => a + l.invocations, 0),
      lambdaMs: lambdas.reduce((a, l) => a + l.totalMs, 0),
      stepFunctionsTransitions: executions.reduce((a, e) => a + e.transitions, 0),
      dataApiCalls: database.counts.statements + 2 * database.counts.transactions,
      dynamoDbWriteUnits: sumCalls(aws.calls, ['PutItem', 'UpdateItem', 'DeleteItem'], 'units1KiB'),
      dynamoDbReadUnits: sumCalls(aws.calls, ['GetItem', 'Query']),
    };
    return {
      engine: own ? 'postgresql' : 'pglite',
      items,
      pushes: Math.ceil(items / PUSH_SIZE),
      chunks,
      seconds,
      settledSeconds,
      itemsPerSecond: items / seconds,
      http429: stack.simulator.requests.filter((r) => r.status === 429).length,
      http429ByEndpoint,
      trendyolCeilingItemsPerSecond: 5_000,
      profile: {
        pushApiMs,
        consumerInvocations: consumer.invocations,
        consumerMs: consumer.totalMs,
        consumerMsPerChunk: consumer.totalMs / chunks,
        rateLimitWaitMs: waits.writeMs,
        pollerInvocations: poller.invocations,
        pollerMs: poller.totalMs,
        pollerMsPerChunk: poller.totalMs / chunks,
        pollerSleepMs: sleeps.msByHandler['poll-batch'] ?? 0,
        pollerBusyMsPerChunk: (poller.totalMs - (sleeps.msByHandler['poll-batch'] ?? 0)) / chunks,
        consumerSleepMs: sleeps.msByHandler['push-consumer'] ?? 0,
        databaseBusyMs: database.counts.busyMs,
        databaseStatementsPerChunk: database.counts.statements / chunks,
        databaseTransactionsPerChunk: database.counts.transactions / chunks,
        databasePerChunkByHandler: Object.fromEntries(
          Object.entries(database.counts.byHandler).map(([name, c]) => [
            name,
            { statements: c.statements / chunks, ms: c.ms / chunks },
          ]),
        ),
        sendSpanSeconds,
        sendsPerSecond: sendTimes.length / Math.max(sendSpanSeconds, 1e-3),
        firstSendSeconds: (Math.min(...sendTimes) - startedAtMs) / 1000,
        lastSendToDoneSeconds: (doneAtMs - Math.max(...sendTimes)) / 1000,
        confirmLagP95Seconds: percentile(lagsMs, 95) / 1000,
        eventLoopDelayMaxMs: loopDelay.max / 1e6,
        eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      },
      usage,
      cost: costPerMillionItems(usage),
    };
  } finally {
    loopDelay.disable();
    aws.stop();
    await stack.stop();
    await own?.drop();
  }
}

/**
 * Wraps `limiter.acquire` to sum the waits its denials imposed on seller write keys (ms). The consumer
 * sleeps a denial's `retryAfterMs` before asking again, so the sum is the time it spent held back.
 */
function countBudgetWaits(limiter: RateLimiter): { writeMs: number } {
  const counted = { writeMs: 0 };
  const acquire = limiter.acquire.bind(limiter);
  limiter.acquire = async (key, limits, now) => {
    const decision = await acquire(key, limits, now);
    if (!decision.granted && key.endsWith('#price-and-inventory')) counted.writeMs += decision.retryAfterMs;
    return decision;
  };
  return counted;
}
