import { createConnection } from '../../lambdas/use-cases/connections';
import { startLocalStack } from '../runtime/local-stack';
import { compactPushBody, postPush } from './end-to-end';
import { countingDatabase, invocationCounter } from './instrument';
import { ownDatabase } from './own-database';

export interface ScalingRow {
  connections: number;
  items: number;
  /** From the pushes' start to the end of the last confirmation execution, s (as `endToEnd`). */
  seconds: number;
  /** Until every push was answered 202, s. */
  pushSeconds: number;
  itemsPerSecond: number;
  /** Share of the wall clock the (one, local) push consumer was busy: ≈ 1 means it is the limit. */
  consumerBusyShare: number;
  pollerBusyShare: number;
  http429: number;
}

export interface ScalingResult {
  engine: 'postgresql' | 'pglite';
  itemsPerConnection: number;
  rows: ScalingRow[];
}

/**
 * Aggregate items/s when 1, 2, 5 and 10 connections (each its own Trendyol seller, so each has its
 * own rate limits) push `itemsPerConnection` distinct items at once, until every chunk is confirmed.
 * PostgreSQL from DATABASE_URL (in a database of the bench's own) when set, else in-memory PGlite.
 */
export async function scaling(
  itemsPerConnection: number,
  counts: readonly number[] = [1, 2, 5, 10],
): Promise<ScalingResult> {
  const databaseUrl = process.env.DATABASE_URL;
  const rows: ScalingRow[] = [];
  for (const n of counts) {
    const own = databaseUrl ? await ownDatabase(databaseUrl) : undefined;
    const database = countingDatabase(own?.url);
    const invocations = invocationCounter();
    const stack = await startLocalStack({
      port: 0,
      simulatorPort: 0,
      inMemory: true,
      simulatorProcessingDelayMs: 0,
      releaseIntervalMs: 3_600_000,
      wrapHandler: invocations.wrap,
      overrides: { database: database.handle },
    });
    try {
      const connectionIds: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const seller = { sellerId: 200_000 + i, apiKey: `k${i}`, apiSecret: `s${i}` };
        stack.simulator.addSeller({ ...seller, approvedBarcodes: 'any' });
        const c = await createConnection(stack.container, {
          type: 'trendyol',
          name: `bench ${i}`,
          ...seller,
          baseUrl: stack.simulator.url,
          integratorName: 'ECI',
        });
        connectionIds.push(c.id);
      }
      invocations.reset();
      const startedAtMs = Date.now();
      await Promise.all(
        connectionIds.map((id, i) =>
          postPush(stack.apiUrl, stack.apiKey, compactPushBody(id, `S${n}-${i}-`, itemsPerConnection)),
        ),
      );
      const pushSeconds = (Date.now() - startedAtMs) / 1000;
      await stack.settle(30 * 60_000);
      // Ends with the last confirmation execution; the harness notices idleness up to ~2 s later.
      const executions = [...stack.workflow.executions.values()];
      const chunks = n * Math.ceil(itemsPerConnection / 1000);
      const confirmed = executions.filter((e) => e.status === 'SUCCEEDED').length;
      if (executions.length !== chunks || confirmed !== chunks) {
        throw new Error(`${chunks} chunks, ${executions.length} executions, ${confirmed} confirmed`);
      }
      const ms = Math.max(...executions.map((e) => e.endedAt ?? Date.now())) - startedAtMs;
      const busy = (name: string) => (invocations.counts[name]?.totalMs ?? 0) / ms;
      rows.push({
        connections: n,
        items: n * itemsPerConnection,
        seconds: ms / 1000,
        pushSeconds,
        itemsPerSecond: (n * itemsPerConnection) / (ms / 1000),
        consumerBusyShare: busy('push-consumer'),
        pollerBusyShare: busy('poll-batch'),
        http429: stack.simulator.requests.filter((r) => r.status === 429).length,
      });
    } finally {
      await stack.stop();
      await own?.drop();
    }
  }
  return { engine: databaseUrl ? 'postgresql' : 'pglite', itemsPerConnection, rows };
}
