import '../polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './load';

/**
 * `npm run load`: a bounded load test on loopback only. Starts a local stack in memory (writes enabled,
 * towards its own simulator), then CLIENTS concurrent clients each push distinct stock changes for
 * SECONDS: every push raises the quantity of the client's barcodes, so no body repeats. Each client has
 * its own connection and simulator seller, because Trendyol's burst rule (50 requests per 10 s per
 * seller, trendyol-contract.md) would otherwise make one seller's queue the only thing measured.
 *
 * Reported (stdout and bench-results/load.json): push answers by status, p50/p95/p99/max latency of the
 * push answer (ms), then, at quiescence, whether every job is terminal (success/failed) and whether every
 * barcode's value at the simulator equals the last value pushed.
 *
 *   npm run load -- [--clients 20] [--seconds 60] [--interval-ms 250] [--barcodes 3]
 */
const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    'interval-ms': { type: 'string', default: '250' },
    barcodes: { type: 'string', default: '3' },
    'settle-seconds': { type: 'string', default: '600' },
    out: { type: 'string', default: 'bench-results/load.json' },
  },
});

async function main() {
  const result = await runLoad({
    clients: Number(args.clients),
    seconds: Number(args.seconds),
    intervalMs: Number(args['interval-ms']),
    barcodesPerClient: Number(args.barcodes),
    settleSeconds: Number(args['settle-seconds']),
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  writeFileSync(path.resolve(args.out), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${args.out}`);
  if (!result.ok) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
