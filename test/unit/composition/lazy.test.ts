import { describe, expect, it } from 'vitest';
import { onceSucceeded } from '../../../lambdas/composition/lazy';

describe('onceSucceeded (a function’s dependencies per warm container)', () => {
  it('builds once and shares the result', async () => {
    let builds = 0;
    const get = onceSucceeded(() => ({ n: ++builds }));
    expect(await get()).toBe(await get());
    expect(builds).toBe(1);
  });

  it('does not cache a failed build: the next invocation tries again instead of replaying the rejection', async () => {
    let attempts = 0;
    const get = onceSucceeded(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('PollBatch: invalid configuration: DB_NAME is not set');
      return 'deps';
    });
    await expect(get()).rejects.toThrow('PollBatch: invalid configuration: DB_NAME is not set');
    expect(await get()).toBe('deps');
    expect(attempts).toBe(2);
  });
});
