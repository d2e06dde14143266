import { describe, expect, it } from 'vitest';
import { throughputOptions } from '../../../local/bench/throughput';

describe('npm run bench flags', () => {
  it('takes the documented sizes', () => {
    expect(throughputOptions(['--items', '20000', '--rate-grants', '50'])).toEqual({
      items: 20_000,
      rateGrants: 50,
      pushItems: 50_000,
      scalingItems: 10_000,
    });
  });

  it('refuses a misspelt flag instead of running the full-size bench', () => {
    expect(() => throughputOptions(['--item', '5000'])).toThrow(/Unknown option '--item'/);
    expect(() => throughputOptions(['5000'])).toThrow();
  });
});
