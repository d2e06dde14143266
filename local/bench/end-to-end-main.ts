import '../polyfills';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type EndToEndResult, endToEnd } from './end-to-end';
import { endToEndLimit } from './throughput';

/**
 * `npm run bench:e2e -- [--items N] [--requests FILE] [--out FILE]`: only the end-to-end part of
 * `npm run bench` (default 200,000 items, pushes of 50,000), for iterating on throughput without the
 * whole bench. Prints the result as JSON and what limits it; writes nothing to bench-results/.
 * `--requests FILE` writes the simulator's request log (time, endpoint, status; no bodies) as JSON,
 * to see when each send and read arrived; `--out FILE` writes the whole {@link EndToEndResult} (usage
 * and cost included), which is how `npm run bench` runs this part in a process of its own.
 * PostgreSQL when DATABASE_URL is set.
 */
async function main() {
  const { values } = parseArgs({
    options: { items: { type: 'string' }, requests: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const items = Number(values.items ?? 200_000);
  if (!Number.isInteger(items) || items < 1) throw new Error(`--items must be a positive integer`);
  const result = await endToEnd(items, {
    onRequests: values.requests
      ? (requests) => writeFileSync(values.requests as string, JSON.stringify(requests))
      : undefined,
  });
  if (values.out) writeFileSync(values.out, JSON.stringify(result));
  console.log(JSON.stringify({ ...result, usage: undefined, cost: undefined }, null, 2));
  console.log(`\n${Math.round(result.itemsPerSecond)} items/s, ${result.http429} × 429`);
  console.log(`limited by: ${endToEndLimit(result)}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
