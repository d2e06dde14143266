import '../polyfills';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pushHandlerRatio } from './push-handler';

/**
 * `npm run bench:push -- [--items N] [--out FILE]`: only the `pushHandler.ratio` part of `npm run bench`
 * (default 50,000 items on in-memory PGlite), for iterating on the push path without the whole bench.
 * Prints the result as JSON (push and floor in ms, every sample, the floor's parts, statements and
 * transactions the push ran); writes nothing to bench-results/. `--out FILE` writes the result as
 * JSON, which is how `npm run bench` runs this part in a process of its own.
 */
async function main() {
  const { values } = parseArgs({
    options: { items: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const items = Number(values.items ?? 50_000);
  if (!Number.isInteger(items) || items < 1) throw new Error(`--items must be a positive integer`);
  const result = await pushHandlerRatio(items);
  if (values.out) writeFileSync(values.out, JSON.stringify(result));
  console.log(JSON.stringify(result, null, 2));
  console.log(`\npushHandler.ratio ${result.ratio.toFixed(2)} (goal ≤ 2.0)`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
