// npm run chaos -- --runs N --seed S [--steps K]: runs N seeded sequences from seed S on; a failing
// run prints its seed, the violations and the shortest failing sequence found by dropping steps.
import { parseArgs } from 'node:util';
import { runSeed, shrink } from './engine';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    steps: { type: 'string', default: '25' },
  },
});
const runs = Number(values.runs);
const first = Number(values.seed);
const stepCount = Number(values.steps);
let failed = 0;
const started = Date.now();
for (let i = 0; i < runs; i += 1) {
  const seed = first + i;
  const result = await runSeed(seed, stepCount);
  if (result.ok) continue;
  failed += 1;
  console.log(`FAIL seed=${seed}\n  ${result.violations.join('\n  ')}`);
  const shortest = await shrink(seed, result.steps);
  console.log(`  shortest failing sequence (${shortest.length} of ${result.steps.length} steps):`);
  for (const step of shortest) console.log(`    ${JSON.stringify(step)}`);
}
console.log(
  `${runs - failed}/${runs} runs passed (seeds ${first}..${first + runs - 1}, ${stepCount} steps each) in ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exitCode = failed > 0 ? 1 : 0;
