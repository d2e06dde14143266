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

/**
 * `npm run bench`: measures, in one run, (1) how the push pipeline's pure work scales with push size,
 * (2) what the confirmation workflow costs per settled batch (state transitions) and how far
 * confirmation lags behind Trendyol settling. Results go to bench-results/latest.{json,md}.
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
  const bundles = await bundleSizes();
  const pipeline = pipelineScaling();
  const apiPush = await apiPushScaling();
  const confirmation = await confirmationCost(21);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    bundles,
    pipeline,
    apiPush,
    confirmation,
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
    `- confirmation lag after Trendyol settled: mean ${Math.round(confirmation.meanLagAfterSettleMs)} ms, max ${Math.round(confirmation.maxLagAfterSettleMs)} ms`,
    '',
    '## Lambda bundles (minified ESM index.mjs, as cdk synth bundles them)',
    '| function | bytes | KiB |',
    '|---|---|---|',
    ...Object.entries(bundles).map(
      ([name, bytes]) => `| ${name} | ${bytes} | ${(bytes / 1024).toFixed(0)} |`,
    ),
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
