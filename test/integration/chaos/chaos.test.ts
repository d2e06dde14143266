import { describe, expect, it } from 'vitest';
import { runSeed, shrink } from '../../chaos/engine';

// The bounded chaos run of `npm test`: fixed seeds, so a failure reproduces with
// `npm run chaos -- --runs 1 --seed <seed>`. `npm run chaos -- --runs N --seed S` runs more.
const FIRST_SEED = 20_261_129;
const RUNS = 120;

describe('chaos: seeded pushes and faults against the simulator, invariants at quiescence', () => {
  it(`${RUNS} seeded runs keep every invariant`, async () => {
    const failures: string[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS && failures.length === 0; seed += 1) {
      const result = await runSeed(seed);
      if (result.ok) continue;
      const shortest = await shrink(seed, result.steps, 25);
      failures.push(
        `seed ${seed}: ${result.violations.join('; ')}\nshortest failing sequence:\n${shortest
          .map((s) => JSON.stringify(s))
          .join('\n')}`,
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
