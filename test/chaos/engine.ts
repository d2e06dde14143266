// The chaos test: seeded random sequences of pushes across 3 connections against the Trendyol
// simulator with faults switched on at random, on a simulated clock, then invariants at quiescence.
// ECI runs through its real use cases and handlers (push, the FIFO consumer with Powertools, the poll
// loop, the per-minute release, the catalog sync); storage is the in-memory fakes of the ports, the
// queue is a small SQS FIFO model (groups, visibility timeout, 5 receives then DLQ, 5-minute dedup).
import type { SQSRecord } from 'aws-lambda';
import { TrendyolHttpClient } from '../../lambdas/adapters/trendyol/trendyol-http-client';
import { DEDUP_WINDOW_MS } from '../../lambdas/domain/inventory-item';
import { parsePushRequest } from '../../lambdas/domain/push-request';
import { createPushConsumer } from '../../lambdas/handlers/push-consumer-app';
import type { ChunkMessage, ChunkQueue } from '../../lambdas/ports/chunk-queue';
import type { ConfirmationInput } from '../../lambdas/ports/confirmation-workflow';
import type { Connection } from '../../lambdas/ports/repositories';
import { syncCatalog } from '../../lambdas/use-cases/catalog-sync';
import type { ConsumeDeps } from '../../lambdas/use-cases/consume-chunk';
import { type PollOutput, pollBatch } from '../../lambdas/use-cases/poll-batch';
import { pushInventory } from '../../lambdas/use-cases/push-inventory';
import { releaseScheduledJobs } from '../../lambdas/use-cases/release-scheduled';
import { createManualClock } from '../../local/simulator/clock';
import { mulberry32 } from '../../local/simulator/prng';
import {
  createTrendyolSimulator,
  type SimFault,
  type TrendyolSimulator,
} from '../../local/simulator/simulator';
import {
  MemoryCatalog,
  MemoryConnections,
  MemoryDedup,
  MemoryStore,
} from '../unit/use-cases/in-memory-ports';

export interface PushItem {
  barcode: string;
  quantity: number;
  salePrice: number;
  listPrice: number;
}

export type Step =
  | { kind: 'push'; conn: number; items: PushItem[]; force: boolean; copies: number }
  | { kind: 'fault'; fault: SimFault }
  | { kind: 'refusal-status'; status: 400 | 403 | 429 }
  | { kind: 'batch-delays'; delays: number[] }
  | { kind: 'pause'; conn: number }
  | { kind: 'resume'; conn: number }
  | { kind: 'crash-after-accept' }
  | { kind: 'duplicate-delivery' }
  | { kind: 'db-outage'; ms: number }
  | { kind: 'advance'; ms: number };

export interface ChaosResult {
  seed: number;
  ok: boolean;
  violations: string[];
  steps: Step[];
  stats: { updates: number; dlq: number; simulatedMinutes: number };
}

const CONNECTIONS = 3;
const BARCODES = 4;
const START = Date.UTC(2026, 9, 1, 8);

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

/** A random sequence of steps: small value sets so reverts and identical bodies come up often. */
export function generateSteps(seed: number, count = 25): Step[] {
  const random = mulberry32(seed);
  const steps: Step[] = [];
  const value = (conn: number): PushItem => ({
    barcode: `C${conn}-B${Math.floor(random() * BARCODES)}`,
    quantity: pick(random, [1, 2, 3]),
    salePrice: pick(random, [100, 110]),
    listPrice: 120,
  });
  for (let i = 0; i < count; i += 1) {
    const r = random();
    const conn = Math.floor(random() * CONNECTIONS);
    if (r < 0.45) {
      const n = 1 + Math.floor(random() * 2);
      const items = [
        ...new Map(Array.from({ length: n }, () => value(conn)).map((v) => [v.barcode, v])).values(),
      ];
      steps.push({ kind: 'push', conn, items, force: random() < 0.15, copies: random() < 0.15 ? 3 : 1 });
    } else if (r < 0.7) {
      const fault = pick<SimFault>(random, [
        { kind: 'status', status: 500, endpoint: 'update' },
        { kind: 'status', status: 503, endpoint: 'update' },
        { kind: 'status', status: 429, endpoint: 'update' },
        { kind: 'status', status: 502, endpoint: 'batch' },
        { kind: 'timeout', ms: 250, accept: true, endpoint: 'update' },
        { kind: 'timeout', ms: 250, accept: false, endpoint: 'update' },
        { kind: '500-after-accept' },
        { kind: '200-without-batch-id', accept: true },
        { kind: '200-without-batch-id', accept: false },
        { kind: 'omit-from-result' },
      ]);
      steps.push({ kind: 'fault', fault });
    } else if (r < 0.75) {
      steps.push({ kind: 'refusal-status', status: pick(random, [400, 403, 429] as const) });
    } else if (r < 0.8) {
      steps.push({ kind: 'batch-delays', delays: [pick(random, [20_000, 60_000]), pick(random, [0, 1000])] });
    } else if (r < 0.84) {
      steps.push({ kind: random() < 0.5 ? 'pause' : 'resume', conn });
    } else if (r < 0.87) {
      steps.push({ kind: 'crash-after-accept' });
    } else if (r < 0.9) {
      steps.push({ kind: 'duplicate-delivery' });
    } else if (r < 0.92) {
      steps.push({ kind: 'db-outage', ms: pick(random, [10_000, 40_000]) });
    } else {
      steps.push({ kind: 'advance', ms: pick(random, [5_000, 60_000, 5 * 60_000, 16 * 60_000]) });
    }
  }
  return steps;
}

interface QueuedMessage {
  id: string;
  message: ChunkMessage;
  receiveCount: number;
  visibleAt: number;
}

/** SQS FIFO, as far as ECI relies on it: order per group, visibility timeout, DLQ after 5 receives, 5-minute dedup. */
class FifoQueue implements ChunkQueue {
  messages: QueuedMessage[] = [];
  dlq: QueuedMessage[] = [];
  private dedupSeen = new Map<string, number>();
  private n = 0;
  constructor(private readonly now: () => number) {}
  async send(messages: ChunkMessage[]) {
    for (const message of messages) {
      const seen = this.dedupSeen.get(message.deduplicationId);
      if (seen !== undefined && this.now() - seen < 5 * 60_000) continue;
      this.dedupSeen.set(message.deduplicationId, this.now());
      this.n += 1;
      this.messages.push({ id: `m${this.n}`, message, receiveCount: 0, visibleAt: this.now() });
    }
  }
}

class DatabaseDown extends Error {
  constructor() {
    const cause = Object.assign(new Error('The database is resuming'), { name: 'DatabaseResumingException' });
    super('Failed query: database resuming', { cause });
  }
}

/** Runs one sequence and checks the invariants at quiescence. */
export async function runSteps(seed: number, steps: Step[]): Promise<ChaosResult> {
  const clock = createManualClock(START);
  const now = () => clock.now().getTime();
  const sim: TrendyolSimulator = await createTrendyolSimulator({
    port: 0,
    clock,
    seed,
    processingDelayMs: 2000,
    sellers: Array.from({ length: CONNECTIONS }, (_, i) => ({
      sellerId: 500_001 + i,
      apiKey: `k${i}`,
      apiSecret: `s${i}`,
      approvedBarcodes: 'any' as const,
    })),
  });
  const violations: string[] = [];
  try {
    const random = mulberry32(seed ^ 0x5eed);
    const connections = new MemoryConnections();
    const store = new MemoryStore(connections);
    let dbDownUntil = 0;
    const tried = new Set<string>();
    let crashNextAccept = false;
    let duplicateNext = false;
    // Every repository call fails while the database is "resuming".
    const guarded = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(obj, prop, receiver) {
          const value = Reflect.get(obj, prop, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            // The consumer's first look at a job: the record was tried (even if the database is down).
            if ((prop === 'get' || prop === 'startAttempt') && typeof args[0] === 'string')
              tried.add(args[0]);
            if (now() < dbDownUntil) return Promise.reject(new DatabaseDown());
            if (prop === 'recordAccepted' && crashNextAccept) {
              crashNextAccept = false; // the consumer dies between Trendyol's acceptance and the write
              return Promise.reject(new Error('consumer crashed'));
            }
            return (value as (...a: unknown[]) => unknown).apply(obj, args);
          };
        },
      });
    const ids = (() => {
      let n = 0;
      return {
        next: () => {
          n += 1;
          return `id${n}`;
        },
      };
    })();
    const conns: Connection[] = [];
    for (let i = 0; i < CONNECTIONS; i += 1) {
      conns.push(
        await connections.create(
          {
            id: `conn${i}`,
            type: 'trendyol',
            name: `seller ${i}`,
            sellerId: 500_001 + i,
            baseUrl: sim.url,
            integratorName: 'ECI',
            secretRef: `secret${i}`,
            status: 'active',
            writeRateLimitPerMinute: 1000,
          },
          clock.now(),
        ),
      );
    }
    const queue = new FifoQueue(now);
    const workflows: Array<{ input: ConfirmationInput; poll?: PollOutput; nextAt: number }> = [];
    const jobs = guarded(store);
    const deps = {
      connections: guarded(connections),
      jobs,
      inventory: jobs,
      // The guards' state (issue 11) over the same store; prices move by 10 %, below the price guard.
      catalog: guarded(new MemoryCatalog(store)),
      dedup: new MemoryDedup(),
      queue,
      clock: { now: () => clock.now() },
      ids,
      secrets: {
        put: async () => '',
        get: async (ref: string) => {
          const i = Number(ref.replace('secret', ''));
          return { apiKey: `k${i}`, apiSecret: `s${i}` };
        },
        delete: async () => undefined,
      },
      marketplace: new TrendyolHttpClient({ updateTimeoutMs: 150, readTimeoutMs: 150 }),
      rateLimiter: { acquire: async () => ({ granted: true as const }) },
      workflow: {
        start: async (input: ConfirmationInput) => {
          if (!workflows.some((w) => w.input.batchRequestId === input.batchRequestId)) {
            workflows.push({ input, nextAt: now() + 2000 });
          }
        },
      },
      sleep: async (ms: number) => clock.advance(ms),
      random,
      writeEnabledEnv: true,
      forceWriteAllowed: true,
    };
    const consumer = createPushConsumer(
      async () => deps as ConsumeDeps,
      { info: () => undefined, warn: () => undefined },
      { maxReceiveCount: 5 },
    );
    const lastPushed = new Map<string, PushItem & { conn: number }>();

    async function deliver() {
      const inFlightGroups = new Set<string>();
      const batch: QueuedMessage[] = [];
      for (const m of queue.messages) {
        if (batch.length >= 10) break;
        if (inFlightGroups.has(m.message.groupId)) continue;
        if (m.visibleAt > now()) {
          inFlightGroups.add(m.message.groupId); // FIFO: nothing behind an invisible message of its group
          continue;
        }
        batch.push(m);
      }
      if (batch.length === 0) return false;
      for (const m of batch) m.receiveCount += 1;
      tried.clear();
      const records: SQSRecord[] = batch.map((m) => ({
        messageId: m.id,
        receiptHandle: m.id,
        body: JSON.stringify({ jobId: m.message.jobId, connectionId: m.message.connectionId }),
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: '0',
          SenderId: 'chaos',
          ApproximateFirstReceiveTimestamp: '0',
          MessageGroupId: m.message.groupId,
          MessageDeduplicationId: m.message.deduplicationId,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:chaos.fifo',
        awsRegion: 'eu-central-1',
      }));
      let failedIds: Set<string>;
      if (process.env.CHAOS_DEBUG)
        console.log(
          'batch',
          batch.map((m) => [m.id, m.message.groupId, m.message.jobId, m.receiveCount]),
        );
      try {
        const response = await consumer({ Records: records }, {
          getRemainingTimeInMillis: () => 60_000,
          functionName: 'chaos',
          awsRequestId: `r${now()}`,
        } as never);
        failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        if (process.env.CHAOS_DEBUG) console.log('failed', [...failedIds], [...tried]);
      } catch {
        failedIds = new Set(batch.map((m) => m.id)); // a crash fails the whole batch
      }
      // No seller's chunk waits on another seller's failure: a record handed back without being tried
      // must sit behind a failed record of its own group.
      const failedGroups = new Set<string>();
      for (const m of batch) {
        const wasTried = tried.has(m.message.jobId);
        if (failedIds.has(m.id) && !wasTried && !failedGroups.has(m.message.groupId)) {
          violations.push(`chunk ${m.message.jobId} waited on another group's failure`);
        }
        if (failedIds.has(m.id)) failedGroups.add(m.message.groupId);
      }
      for (const m of batch) {
        if (failedIds.has(m.id)) {
          if (m.receiveCount >= 5) {
            queue.messages = queue.messages.filter((x) => x !== m);
            queue.dlq.push(m);
          } else m.visibleAt = now() + 30_000;
        } else if (duplicateNext) {
          duplicateNext = false; // delivered again: at-least-once
          m.visibleAt = now() + 30_000;
        } else {
          queue.messages = queue.messages.filter((x) => x !== m);
        }
      }
      return true;
    }

    async function pollDue() {
      for (const w of [...workflows]) {
        if (w.nextAt > now()) continue;
        try {
          const { output } = await pollBatch(
            deps,
            { ...w.input, ...(w.poll && { poll: w.poll }) },
            { shortPollMs: 0 },
          );
          if (output.status === 'PENDING') {
            w.poll = output;
            w.nextAt = now() + output.nextWaitSeconds * 1000;
          } else workflows.splice(workflows.indexOf(w), 1);
        } catch {
          w.nextAt = now() + 10_000; // the state machine's task retry
        }
      }
    }

    let lastRelease = now();
    let lastSync = now();
    async function tick() {
      while (await deliver()) {
        /* drain what is visible */
      }
      await pollDue();
      if (now() - lastRelease >= 60_000) {
        lastRelease = now();
        await releaseScheduledJobs(deps).catch(() => undefined);
      }
      if (now() - lastSync >= 5 * 60_000) {
        lastSync = now();
        await syncCatalog(deps).catch(() => undefined);
      }
    }
    async function advance(ms: number) {
      const end = now() + ms;
      while (now() < end) {
        clock.advance(Math.min(5_000, end - now()));
        await tick();
      }
    }

    for (const step of steps) {
      switch (step.kind) {
        case 'push': {
          const conn = conns[step.conn] as Connection;
          const body = { connectionId: conn.id, items: step.items };
          const answers = await Promise.allSettled(
            Array.from({ length: step.copies }, () =>
              pushInventory(deps, parsePushRequest(body), {
                dryRun: false,
                force: step.force,
                forceWrite: true,
              }),
            ),
          );
          if (answers.some((a) => a.status === 'fulfilled')) {
            for (const item of step.items)
              lastPushed.set(`${step.conn}|${item.barcode}`, { ...item, conn: step.conn });
          }
          break;
        }
        case 'fault':
          sim.injectFault(step.fault);
          break;
        case 'refusal-status':
          sim.setDuplicateStatus(step.status);
          break;
        case 'batch-delays':
          sim.setNextBatchDelays(step.delays);
          break;
        case 'pause':
        case 'resume':
          await connections.update(
            `conn${step.conn}`,
            { status: step.kind === 'pause' ? 'paused' : 'active' },
            clock.now(),
          );
          break;
        case 'crash-after-accept':
          crashNextAccept = true;
          break;
        case 'duplicate-delivery':
          duplicateNext = true;
          break;
        case 'db-outage':
          dbDownUntil = now() + step.ms;
          break;
        case 'advance':
          await advance(step.ms);
          break;
      }
      await advance(Math.floor(random() * 15_000));
    }

    // Quiescence: faults off, connections resumed, time runs on until nothing is left to do.
    sim.clearFaults();
    crashNextAccept = false;
    duplicateNext = false;
    for (let i = 0; i < CONNECTIONS; i += 1)
      await connections.update(`conn${i}`, { status: 'active' }, clock.now());
    const busy = () =>
      queue.messages.length > 0 ||
      workflows.length > 0 ||
      [...store.jobs.values()].some((j) => ['scheduled', 'queued', 'running'].includes(j.status)) ||
      [...store.intents.values()].some((i) => i.status !== 'confirmed');
    const deadline = now() + 8 * 60 * 60_000;
    while (busy() && now() < deadline) await advance(60_000);
    await advance(2 * 60_000);

    if (busy()) {
      const open = [...store.jobs.values()].filter((j) =>
        ['scheduled', 'queued', 'running'].includes(j.status),
      );
      const stuck = [...store.intents.values()].filter((i) => i.status !== 'confirmed');
      violations.push(
        `not quiescent after 8 h: ${open.length} open job(s) ${open.map((j) => `${j.id}:${j.status}`).join(',')}, ` +
          `${stuck.length} unresolved value(s) ${stuck.map((i) => `${i.barcode}:${i.status}`).join(',')}, ` +
          `${queue.messages.length} message(s), ${workflows.length} poll(s)`,
      );
    }
    for (const [key, pushed] of lastPushed) {
      const conn = conns[pushed.conn] as Connection;
      const live = sim.liveValue(conn.sellerId, pushed.barcode);
      const want = { quantity: pushed.quantity, sale: pushed.salePrice * 100, list: pushed.listPrice * 100 };
      if (
        !live ||
        live.quantity !== want.quantity ||
        live.salePriceCents !== want.sale ||
        live.listPriceCents !== want.list
      ) {
        violations.push(
          `${key}: Trendyol holds ${JSON.stringify(live && { q: live.quantity, s: live.salePriceCents })}, last pushed ${JSON.stringify(want)}`,
        );
      }
      const confirmed = store.confirmed.get(`${conn.id}|${pushed.barcode}`)?.value;
      if (
        !confirmed ||
        confirmed.quantity !== live?.quantity ||
        confirmed.salePrice !== live?.salePriceCents
      ) {
        violations.push(`${key}: confirmed ${JSON.stringify(confirmed)} differs from Trendyol's`);
      }
    }
    for (const m of queue.dlq) {
      if (store.jobs.get(m.message.jobId)?.status !== 'failed') {
        violations.push(`DLQ message of job ${m.message.jobId} is not accounted for by a failed job`);
      }
    }
    // Never an identical body inside 15 minutes after one ECI knew was accepted.
    const updates = sim.requests.filter((r) => r.endpoint === 'update');
    for (const [i, later] of updates.entries()) {
      for (const earlier of updates.slice(0, i)) {
        if (earlier.sellerId !== later.sellerId || earlier.body !== later.body) continue;
        if (!earlier.batchRequestId || Date.parse(later.at) - Date.parse(earlier.at) >= DEDUP_WINDOW_MS)
          continue;
        const ambiguous = earlier.fault !== null; // ECI never learnt the batch id
        if (!ambiguous)
          violations.push(
            `identical body re-sent ${Date.parse(later.at) - Date.parse(earlier.at)} ms after it was accepted ` +
              `(seller ${later.sellerId}, request #${earlier.seq} → #${later.seq} answered ${later.status}): ${later.body}`,
          );
      }
    }
    return {
      seed,
      ok: violations.length === 0,
      violations,
      steps,
      stats: {
        updates: updates.length,
        dlq: queue.dlq.length,
        simulatedMinutes: Math.round((now() - START) / 60_000),
      },
    };
  } finally {
    await sim.close();
  }
}

/** Drops steps one at a time while the run still fails: the shortest failing sequence it can find. */
export async function shrink(seed: number, steps: Step[], budget = 60): Promise<Step[]> {
  let current = steps;
  let tries = 0;
  for (let i = current.length - 1; i >= 0 && tries < budget; i -= 1) {
    const candidate = current.filter((_, j) => j !== i);
    tries += 1;
    if (!(await runSteps(seed, candidate)).ok) current = candidate;
  }
  return current;
}

export async function runSeed(seed: number, stepCount?: number): Promise<ChaosResult> {
  return runSteps(seed, generateSteps(seed, stepCount));
}
