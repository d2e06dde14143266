import '../polyfills';
import { parseArgs } from 'node:util';
import { pushHandlerRatio } from './push-handler';

/**
 * `npm run bench:push -- [--items N]`: only the `pushHandler.ratio` part of `npm run bench` (default
 * 50,000 items on in-memory PGlite), for iterating on the push path without the whole bench. Prints
 * the result as JSON (push and floor in ms, the floor's parts, statements and transactions the push
 * ran); writes nothing to bench-results/.
 */
async function main() {
  const { values } = parseArgs({ options: { items: { type: 'string' } }, strict: true });
  const items = Number(values.items ?? 50_000);
  if (!Number.isInteger(items) || items < 1) throw new Error(`--items must be a positive integer`);
  const result = await pushHandlerRatio(items);
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
