import '../polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FUNCTION_NAMES } from '../../lambdas/config/contracts';
import { chunkItems } from '../../lambdas/domain/chunk';
import { coalesceItems } from '../../lambdas/domain/coalesce';
import { parsePushRequest } from '../../lambdas/domain/push-request';
import { buildFunctionBundle } from '../../lib/lambda-bundles';
import { startLocalStack } from '../runtime/local-stack';
import { percentile } from './instrument';
import { throughputBench, throughputOptions } from './throughput';

/**
 * `npm run bench`: measures, in one run, (1) how the push pipeline's pure work scales with push size,
 * (2) what the confirmation workflow costs per settled batch (state transitions) and how far
 * confirmation lags behind Trendyol settling, (3) what a 50,000-row catalog upsert and a 50,000-row
 * catalog sync cost against a push of the same 50,000 items. Results go to bench-results/latest.{json,md}.
 * Ratios, not absolute times, are the figures to compare between machines.
 */
function pushBody(n: number) {
  return {
    connectionId: 'bench',
    items: Array.from({ length: n }, (_, i) => ({
      barcode: `BENCH${String(i).padStart(7, '0')}`,
      quantity: i % 20_000,
      salePrice: 100 + (i % 97) / 4,
      listPrice: 150 + (i % 97) / 4,
      currencyType: 'TRY',
    })),
  };
}

function timeIt(run: () => void, repeat: number): number {
  run();
  const started = performance.now();
  for (let i = 0; i < repeat; i += 1) run();
  return (performance.now() - started) / repeat;
}

function pipelineScaling() {
  const sizes = [1_000, 10_000, 50_000];
  const rows = sizes.map((n) => {
    const body = JSON.parse(JSON.stringify(pushBody(n)));
    const ms = timeIt(() => chunkItems(coalesceItems(parsePushRequest(body).items)), n >= 50_000 ? 3 : 10);
    return { items: n, msPerPush: ms, microsPerItem: (ms * 1000) / n };
  });
  const base = rows[0]?.microsPerItem ?? 1;
  return rows.map((r) => ({ ...r, perItemCostRatioVs1000: r.microsPerItem / base }));
}

/** Whole push through the API (validation → diff → dedup → jobs + intents in the database → queue). */
async function apiPushScaling() {
  const stack = await startLocalStack({ port: 0, simulatorPort: 0, inMemory: true, autoConsume: false });
  try {
    const rows: Array<{ items: number; ms: number; microsPerItem: number }> = [];
    for (const n of [1_000, 10_000, 50_000]) {
      // Compact items: 50,000 of them must stay under the API's 5 MiB body limit.
      const body = {
        connectionId: stack.demoConnectionId,
        items: Array.from({ length: n }, (_, i) => ({
          barcode: `A${n}-${i}`,
          quantity: i % 20_000,
          salePrice: 100 + (i % 97) / 4,
          listPrice: 150 + (i % 97) / 4,
        })),
      };
      const started = performance.now();
      const res = await fetch(`${stack.apiUrl}/v1/inventory/push?forceWrite=1`, {
        method: 'POST',
        headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 202) throw new Error(`push of ${n}: HTTP ${res.status}`);
      const ms = performance.now() - started;
      rows.push({ items: n, ms, microsPerItem: (ms * 1000) / n });
    }
    const base = rows[0]?.microsPerItem ?? 1;
    return rows.map((r) => ({ ...r, perItemCostRatioVs1000: r.microsPerItem / base }));
  } finally {
    await stack.stop();
  }
}

/**
 * The catalog against the push, same 50,000 items each on a fresh connection: the push through the
 * API, `PUT /v1/catalog/variants`, then `POST /v1/connections/:id/sync` (diff, guards, chunks, jobs),
 * and a second sync with nothing changed. Writes are enabled (the sync has no forceWrite); nothing is
 * consumed, so only ECI's side is timed.
 */
async function catalogVsPush(n: number) {
  const stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    writeEnabled: true,
    releaseIntervalMs: 3_600_000,
    catalogSyncIntervalMs: 3_600_000,
  });
  const call = async (method: string, route: string, body?: unknown) => {
    const started = performance.now();
    const res = await fetch(`${stack.apiUrl}${route}`, {
      method,
      headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (![200, 201, 202].includes(res.status)) {
      throw new Error(`${method} ${route}: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
    }
    return { ms: performance.now() - started, status: res.status, answer };
  };
  const connection = async (name: string) =>
    String(
      (
        await call('POST', '/v1/connections', {
          type: 'trendyol',
          name,
          sellerId: 100001,
          apiKey: 'demo-key',
          apiSecret: 'demo-secret',
          baseUrl: stack.simulator.url,
        })
      ).answer.id,
    );
  const items = (prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      barcode: `${prefix}${i}`,
      quantity: i % 20_000,
      salePrice: 100 + (i % 97) / 4,
      listPrice: 150 + (i % 97) / 4,
    }));
  try {
    // Warm every path once (query plans, JIT) so the first timed call does not pay for it.
    const warm = await connection('Bench warm-up');
    const few = items('W').slice(0, 100);
    await call('POST', '/v1/inventory/push', { connectionId: warm, items: few });
    await call('PUT', '/v1/catalog/variants', { connectionId: warm, variants: items('V').slice(0, 100) });
    await call('POST', `/v1/connections/${warm}/sync`);
    const pushConnection = await connection('Bench push');
    const push = await call('POST', '/v1/inventory/push', {
      connectionId: pushConnection,
      items: items('P'),
    });
    const catalogConnection = await connection('Bench catalog');
    const upsert = await call('PUT', '/v1/catalog/variants', {
      connectionId: catalogConnection,
      variants: items('C'),
    });
    const sync = await call('POST', `/v1/connections/${catalogConnection}/sync`);
    const unchanged = await call('POST', `/v1/connections/${catalogConnection}/sync`);
    if (sync.answer.changedCount !== n || unchanged.answer.changedCount !== 0) {
      throw new Error(
        `unexpected sync counts ${sync.answer.changedCount} / ${unchanged.answer.changedCount}`,
      );
    }
    return {
      items: n,
      pushMs: push.ms,
      upsertMs: upsert.ms,
      syncMs: sync.ms,
      unchangedSyncMs: unchanged.ms,
      upsertVsPush: upsert.ms / push.ms,
      syncVsPush: sync.ms / push.ms,
      unchangedSyncVsPush: unchanged.ms / push.ms,
    };
  } finally {
    await stack.stop();
  }
}

async function confirmationCost(batches: number) {
  const stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    simulatorProcessingDelayMs: 0,
    releaseIntervalMs: 3_600_000,
  });
  try {
    // Settle delays spread evenly over 0–5 s: "a batch that settles within 5 s".
    const delays = Array.from({ length: batches }, (_, i) => Math.round((5000 * i) / (batches - 1)));
    stack.simulator.setNextBatchDelays(delays);
    const started = performance.now();
    for (let i = 0; i < batches; i += 1) {
      const res = await fetch(`${stack.apiUrl}/v1/inventory/push?forceWrite=1`, {
        method: 'POST',
        headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          connectionId: stack.demoConnectionId,
          items: [{ barcode: `LAG${i}`, quantity: i }],
        }),
      });
      if (res.status !== 202) throw new Error(`push ${i}: HTTP ${res.status}`);
    }
    await stack.settle(120_000);
    const executions = [...stack.workflow.executions.values()];
    const lags: number[] = [];
    for (const [i, execution] of executions.entries()) {
      const job = await stack.container.jobs.get(execution.input.jobId);
      const confirmation = (job?.summary as { confirmation?: { lagMs?: number } } | null)?.confirmation;
      if (confirmation?.lagMs !== undefined) lags.push(confirmation.lagMs - (delays[i] ?? 0));
    }
    const transitions = executions.map((e) => e.transitions);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      batches,
      succeeded: executions.filter((e) => e.status === 'SUCCEEDED').length,
      meanTransitions: mean(transitions),
      maxTransitions: Math.max(...transitions),
      meanLagAfterSettleMs: mean(lags),
      maxLagAfterSettleMs: Math.max(...lags),
      p95LagAfterSettleMs: percentile(lags, 95),
      wallClockMs: performance.now() - started,
    };
  } finally {
    await stack.stop();
  }
}

/** Each function's bundle as `cdk synth` builds it (the construct's esbuild settings): bytes of index.mjs. */
async function bundleSizes(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of FUNCTION_NAMES) sizes[name] = (await buildFunctionBundle(name)).bytes;
  return sizes;
}

async function main() {
  // Parsed before any part runs, so a bad flag fails at once rather than after minutes of benches.
  const options = throughputOptions(process.argv.slice(2));
  const bundles = await bundleSizes();
  const pipeline = pipelineScaling();
  const apiPush = await apiPushScaling();
  const confirmation = await confirmationCost(21);
  const catalog = await catalogVsPush(50_000);
  // Issue 12's keys (rateBudget, endToEnd, pushHandler, workflow, cost, scaling); sizes from flags.
  const throughput = await throughputBench(options, confirmation);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    ...throughput.keys,
    goals: throughput.goals,
    bundles,
    pipeline,
    apiPush,
    confirmation,
    catalog,
  };
  const dir = path.resolve('bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    `# ECI benchmarks (${results.at}, Node ${results.node})`,
    '',
    '## Push pipeline (validate → coalesce → chunk → hash), per-item cost relative to a 1,000-item push',
    '| items | per-item cost ratio |',
    '|---|---|',
    ...pipeline.map((r) => `| ${r.items} | ${r.perItemCostRatioVs1000.toFixed(2)} |`),
    '',
    '## Push through the API on PGlite (jobs, intents and history written), per-item cost vs 1,000 items',
    '| items | per-item cost ratio |',
    '|---|---|',
    ...apiPush.map((r) => `| ${r.items} | ${r.perItemCostRatioVs1000.toFixed(2)} |`),
    '',
    '## Confirmation workflow (synthesized state machine, simulator settling within 0–5 s)',
    `- batches: ${confirmation.batches}, succeeded: ${confirmation.succeeded}`,
    `- state transitions per settled batch: mean ${confirmation.meanTransitions.toFixed(2)}, max ${confirmation.maxTransitions}`,
    `- confirmation lag after Trendyol settled: mean ${Math.round(confirmation.meanLagAfterSettleMs)} ms, p95 ${Math.round(confirmation.p95LagAfterSettleMs)} ms, max ${Math.round(confirmation.maxLagAfterSettleMs)} ms`,
    '',
    '## Lambda bundles (minified ESM index.mjs, as cdk synth bundles them)',
    '| function | bytes | KiB |',
    '|---|---|---|',
    ...Object.entries(bundles).map(
      ([name, bytes]) => `| ${name} | ${bytes} | ${(bytes / 1024).toFixed(0)} |`,
    ),
    '',
    throughput.markdown,
    `## Catalog vs push, ${catalog.items} items each on PGlite (time relative to the push of the same items)`,
    '| operation | ratio vs push |',
    '|---|---|',
    '| push through the API | 1.00 |',
    `| catalog upsert (PUT /v1/catalog/variants) | ${catalog.upsertVsPush.toFixed(2)} |`,
    `| catalog sync, all rows new (POST /v1/connections/:id/sync) | ${catalog.syncVsPush.toFixed(2)} |`,
    `| catalog sync, nothing changed | ${catalog.unchangedSyncVsPush.toFixed(2)} |`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'latest.md'), md);
  console.log(md);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
