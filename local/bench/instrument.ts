import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm/logger';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type DatabaseHandle, defaultMigrationsFolder } from '../../lambdas/adapters/postgres/database';
import { schema } from '../../lambdas/adapters/postgres/schema';
import type { HandlerWrapper } from '../runtime/local-stack';

/** The Lambda function whose invocation is running (set by {@link invocationCounter}'s wrapper). */
export const currentHandler = new AsyncLocalStorage<string>();

/** Statements and transactions the application ran: what the RDS Data API would bill as calls. */
export interface DatabaseCounts {
  statements: number;
  transactions: number;
  /** Ms PGlite spent executing statements (it runs them one at a time, blocking the event loop); 0 on PostgreSQL. */
  busyMs: number;
  /** Statements and PGlite ms per handler (`api`, `push-consumer`, `poll-batch`, or `other`). */
  byHandler: Record<string, { statements: number; ms: number }>;
}

/** Zeroes every counter (after the stack's own setup, before a measured run). */
export function resetDatabaseCounts(counts: DatabaseCounts): void {
  Object.assign(counts, { statements: 0, transactions: 0, busyMs: 0, byHandler: {} });
}

function handlerEntry(counts: DatabaseCounts) {
  const name = currentHandler.getStore() ?? 'other';
  const entry = counts.byHandler[name] ?? { statements: 0, ms: 0 };
  counts.byHandler[name] = entry;
  return entry;
}

/**
 * A database handle like `createDatabase` builds (PGlite in memory, or PostgreSQL from a URL) that
 * counts every statement Drizzle sends and every transaction it opens. Over the Data API each
 * statement is one ExecuteStatement call and a transaction adds BeginTransaction + CommitTransaction.
 */
export function countingDatabase(url?: string): { handle: DatabaseHandle; counts: DatabaseCounts } {
  const counts: DatabaseCounts = { statements: 0, transactions: 0, busyMs: 0, byHandler: {} };
  const logger: Logger = {
    logQuery: () => {
      counts.statements += 1;
      handlerEntry(counts).statements += 1;
    },
  };
  const migrationsFolder = defaultMigrationsFolder();
  let handle: DatabaseHandle;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const db = drizzleNodePg({ client: pool, schema, logger });
    handle = {
      kind: 'node-postgres',
      db,
      migrate: () => migrateNodePg(db, { migrationsFolder }),
      close: () => pool.end(),
    };
  } else {
    const client = new PGlite();
    measureBusyTime(client, counts);
    const db = drizzlePglite({ client, schema, logger });
    handle = {
      kind: 'pglite',
      db,
      migrate: () => migratePglite(db, { migrationsFolder }),
      close: () => client.close(),
    };
  }
  const transaction = handle.db.transaction.bind(handle.db);
  handle.db.transaction = ((...args: Parameters<typeof transaction>) => {
    counts.transactions += 1;
    return transaction(...args);
  }) as typeof transaction;
  return { handle, counts };
}

// PGlite runs every statement through these protocol calls, one at a time under its own lock and
// synchronously inside (WASM): their summed duration is the time the database held the event loop.
function measureBusyTime(client: PGlite, counts: DatabaseCounts): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['execProtocolRaw', 'execProtocolRawStream']) {
    const original = target[method]?.bind(client);
    if (!original) continue;
    target[method] = async (...args: unknown[]) => {
      const since = performance.now();
      try {
        return await original(...args);
      } finally {
        const ms = performance.now() - since;
        counts.busyMs += ms;
        handlerEntry(counts).ms += ms;
      }
    };
  }
}

/** Invocations and summed duration per Lambda function, as Lambda bills them. */
export type InvocationCounts = Record<
  string,
  { invocations: number; totalMs: number; durationsMs: number[] }
>;

/** A {@link HandlerWrapper} for `startLocalStack` that times every invocation of each handler. */
export function invocationCounter(): { wrap: HandlerWrapper; counts: InvocationCounts; reset(): void } {
  const counts: InvocationCounts = {};
  const wrap: HandlerWrapper = (name, handler) => {
    return async (...args) => {
      const entry = counts[name] ?? { invocations: 0, totalMs: 0, durationsMs: [] };
      counts[name] = entry;
      const started = performance.now();
      try {
        return await currentHandler.run(name, () => handler(...args));
      } finally {
        const ms = performance.now() - started;
        entry.invocations += 1;
        entry.totalMs += ms;
        entry.durationsMs.push(ms);
      }
    };
  };
  return {
    wrap,
    counts,
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
  };
}

/**
 * A `sleep` for the stack's functions that sums, per handler ({@link currentHandler}), the ms spent
 * asleep inside invocations: the poller's deliberate first look after 2 s and its short polls, the
 * consumer's rate-limit and retry pauses. An invocation's busy time is its duration less these.
 */
export function sleepCounter(): {
  sleep: (ms: number) => Promise<void>;
  msByHandler: Record<string, number>;
} {
  const msByHandler: Record<string, number> = {};
  const sleep = async (ms: number) => {
    const name = currentHandler.getStore() ?? 'other';
    const started = performance.now();
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      msByHandler[name] = (msByHandler[name] ?? 0) + performance.now() - started;
    }
  };
  return { sleep, msByHandler };
}

/** Calls and request bytes per AWS operation (`X-Amz-Target`, e.g. `DynamoDB_20120810.PutItem`). */
export type AwsCalls = Map<string, { calls: number; bytes: number; units64KiB: number; units1KiB: number }>;

/**
 * Counts the AWS API calls this process makes over HTTP (the SDK clients talking to dynalite and
 * local-aws-sqs) by operation, with the request size in the units AWS bills (SQS: 64 KiB per
 * request; DynamoDB writes: 1 KiB per write unit, estimated from the request size, an upper bound).
 * Uses Node's `http.client.request.start` diagnostics channel, so no client needs changing.
 */
export function awsCallCounter(): { calls: AwsCalls; stop(): void } {
  const calls: AwsCalls = new Map();
  const onRequest = (message: unknown) => {
    const request = (message as { request?: ClientRequest }).request;
    const target = request?.getHeader('x-amz-target');
    if (typeof target !== 'string') return;
    const bytes = Number(request?.getHeader('content-length') ?? 0) || 0;
    const entry = calls.get(target) ?? { calls: 0, bytes: 0, units64KiB: 0, units1KiB: 0 };
    entry.calls += 1;
    entry.bytes += bytes;
    entry.units64KiB += Math.max(1, Math.ceil(bytes / 65_536));
    entry.units1KiB += Math.max(1, Math.ceil(bytes / 1_024));
    calls.set(target, entry);
  };
  diagnostics.subscribe('http.client.request.start', onRequest);
  return { calls, stop: () => diagnostics.unsubscribe('http.client.request.start', onRequest) };
}

/** Sums one field over the operations whose X-Amz-Target ends with one of `operations`. */
export function sumCalls(
  calls: AwsCalls,
  operations: readonly string[],
  field: 'calls' | 'bytes' | 'units64KiB' | 'units1KiB' = 'calls',
): number {
  let total = 0;
  for (const [target, entry] of calls)
    if (operations.some((op) => target.endsWith(`.${op}`))) total += entry[field];
  return total;
}

/** The p-th percentile (0–100, nearest rank) of `values`; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
