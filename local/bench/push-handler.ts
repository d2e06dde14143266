import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../lambdas/adapters/postgres/database';
import { chunkItems } from '../../lambdas/domain/chunk';
import { coalesceItems } from '../../lambdas/domain/coalesce';
import { parsePushRequest } from '../../lambdas/domain/push-request';
import { startLocalStack } from '../runtime/local-stack';
import { compactPushBody } from './end-to-end';
import { countingDatabase, resetDatabaseCounts } from './instrument';

export interface PushHandlerResult {
  items: number;
  /** The API push of `items` fresh items in the sample with the median ratio, ms. */
  apiPushMs: number;
  /** That sample's floor, ms. */
  floorMs: number;
  /** apiPushMs ÷ floorMs. */
  ratio: number;
  /** Every sample (each on a stack of its own), in run order, ms. */
  samples: Array<{ apiPushMs: number; floorMs: number }>;
  /** The parts of that sample's floor. */
  floorParts: {
    parseMs: number;
    coalesceMs: number;
    chunkAndHashMs: number;
    lookupMs: number;
    upsertMs: number;
  };
  /** SQL statements and transactions that sample's push ran. */
  databaseStatements: number;
  databaseTransactions: number;
}

/**
 * Samples of the ratio in one run: a single 50,000-item push moved by ±10 % between runs on the
 * 2-core machine (GC, the other core's load), which decides a ratio near its goal; the median of three
 * takes one outlier out of either side.
 */
export const PUSH_RATIO_SAMPLES = 3;

/**
 * The least work any push of `n` items must do, on the given engine: parse the request, coalesce,
 * render and SHA-256 the chunk bodies, one bulk primary-key lookup of the barcodes and one bulk
 * upsert of the n rows (a scratch table shaped like the intents: key, three values, the body hash).
 */
export async function pushFloor(database: DatabaseHandle, raw: string, connectionId: string) {
  const db = database.db;
  await db.execute(sql`CREATE TABLE IF NOT EXISTS bench_push_floor (
    connection_id text NOT NULL, barcode text NOT NULL, quantity integer, sale_price bigint,
    list_price bigint, body_hash text NOT NULL, PRIMARY KEY (connection_id, barcode))`);
  let t = performance.now();
  const parsed = parsePushRequest(JSON.parse(raw));
  const parseMs = performance.now() - t;
  t = performance.now();
  const coalesced = coalesceItems(parsed.items);
  const coalesceMs = performance.now() - t;
  t = performance.now();
  const chunks = chunkItems(coalesced);
  const chunkAndHashMs = performance.now() - t;
  t = performance.now();
  const barcodes = JSON.stringify(coalesced.map((i) => i.barcode));
  await db.execute(sql`SELECT barcode, quantity, sale_price, list_price FROM bench_push_floor
    WHERE connection_id = ${connectionId} AND barcode IN (SELECT jsonb_array_elements_text(${barcodes}::jsonb))`);
  const lookupMs = performance.now() - t;
  t = performance.now();
  const rows = JSON.stringify(
    chunks.flatMap((c) =>
      c.items.map((i) => ({
        b: i.barcode,
        q: i.quantity ?? null,
        s: i.salePrice ?? null,
        l: i.listPrice ?? null,
        h: c.bodyHash,
      })),
    ),
  );
  await db.execute(sql`INSERT INTO bench_push_floor
    SELECT ${connectionId}, x.b, x.q, x.s, x.l, x.h
    FROM jsonb_to_recordset(${rows}::jsonb) AS x(b text, q integer, s bigint, l bigint, h text)
    ON CONFLICT (connection_id, barcode) DO UPDATE SET quantity = excluded.quantity,
      sale_price = excluded.sale_price, list_price = excluded.list_price, body_hash = excluded.body_hash`);
  const upsertMs = performance.now() - t;
  return {
    floorMs: parseMs + coalesceMs + chunkAndHashMs + lookupMs + upsertMs,
    parts: { parseMs, coalesceMs, chunkAndHashMs, lookupMs, upsertMs },
  };
}

/**
 * `pushHandler.ratio`: the API push of `n` fresh items (validation → diff → dedup → jobs, intents and
 * history → queue) ÷ {@link pushFloor} for n other fresh items, both on the same in-memory PGlite in
 * the same run, each after a 1,000-item warm-up. Taken {@link PUSH_RATIO_SAMPLES} times, each on a
 * stack and database of its own (so no sample sees tables the one before it filled); the result is
 * the sample with the median ratio.
 */
export async function pushHandlerRatio(n: number): Promise<PushHandlerResult> {
  const samples: Array<Awaited<ReturnType<typeof pushHandlerSample>>> = [];
  for (let i = 0; i < PUSH_RATIO_SAMPLES; i += 1) samples.push(await pushHandlerSample(n));
  const byRatio = [...samples].sort((a, b) => a.apiPushMs / a.floorMs - b.apiPushMs / b.floorMs);
  const chosen = byRatio[Math.floor(byRatio.length / 2)];
  if (!chosen) throw new Error('no push-handler sample');
  return {
    items: n,
    apiPushMs: chosen.apiPushMs,
    floorMs: chosen.floorMs,
    ratio: chosen.apiPushMs / chosen.floorMs,
    samples: samples.map((x) => ({ apiPushMs: x.apiPushMs, floorMs: x.floorMs })),
    floorParts: chosen.floorParts,
    databaseStatements: chosen.databaseStatements,
    databaseTransactions: chosen.databaseTransactions,
  };
}

/** One sample of {@link pushHandlerRatio}: a stack of its own, a warm-up, the push, then the floor. */
async function pushHandlerSample(n: number) {
  const database = countingDatabase();
  const stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    overrides: { database: database.handle },
  });
  try {
    const push = async (prefix: string, size: number) => {
      const raw = JSON.stringify(compactPushBody(stack.demoConnectionId, prefix, size));
      const started = performance.now();
      const res = await fetch(`${stack.apiUrl}/v1/inventory/push?forceWrite=1`, {
        method: 'POST',
        headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
        body: raw,
      });
      await res.text();
      if (res.status !== 202) throw new Error(`push of ${size}: HTTP ${res.status}`);
      return performance.now() - started;
    };
    await push('WARM', 1_000);
    await pushFloor(
      database.handle,
      JSON.stringify(compactPushBody(stack.demoConnectionId, 'FWARM', 1_000)),
      stack.demoConnectionId,
    );
    resetDatabaseCounts(database.counts);
    const apiPushMs = await push('PUSH', n);
    const { statements, transactions } = database.counts;
    const floor = await pushFloor(
      database.handle,
      JSON.stringify(compactPushBody(stack.demoConnectionId, 'FLOOR', n)),
      stack.demoConnectionId,
    );
    return {
      apiPushMs,
      floorMs: floor.floorMs,
      floorParts: floor.parts,
      databaseStatements: statements,
      databaseTransactions: transactions,
    };
  } finally {
    await stack.stop();
  }
}
