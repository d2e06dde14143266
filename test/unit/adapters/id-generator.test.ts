import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../../../lambdas/adapters/ids/id-generator';

const ID_SHAPE = /^c[0-9a-z]{24}$/;

describe('createIdGenerator', () => {
  it('makes 25-character ids starting with "c", like the seed (cmkcu0y9b0001e61wpzl1s331)', () => {
    const id = createIdGenerator().next();
    expect(id).toHaveLength(25);
    expect(id.startsWith('c')).toBe(true);
    expect(id).toMatch(ID_SHAPE);
    expect('cmkcu0y9b0001e61wpzl1s331').toMatch(ID_SHAPE);
  });

  it('never repeats over 10,000 ids, even on a frozen clock', () => {
    const frozen = createIdGenerator(() => 1_768_000_000_000);
    const ids = Array.from({ length: 10_000 }, () => frozen.next());
    expect(new Set(ids).size).toBe(10_000);
    expect(ids.every((id) => ID_SHAPE.test(id))).toBe(true);
  });

  it('never repeats over 10,000 ids from the real clock', () => {
    const real = createIdGenerator();
    const ids = Array.from({ length: 10_000 }, () => real.next());
    expect(new Set(ids).size).toBe(10_000);
  });

  it('sorts by creation time when the clock moves forward', () => {
    let clock = 1_768_000_000_000;
    const generator = createIdGenerator(() => clock);
    const ids: string[] = [];
    for (let i = 0; i < 500; i += 1) {
      ids.push(generator.next());
      clock += 1 + (i % 7) * 997;
    }
    expect(ids.toSorted()).toEqual(ids);
  });

  it('sorts by creation order within one millisecond (the counter)', () => {
    const generator = createIdGenerator(() => 1_768_000_000_000);
    const ids = Array.from({ length: 1000 }, () => generator.next());
    expect(ids.toSorted()).toEqual(ids);
  });

  it('encodes the clock in base 36 right after the "c"', () => {
    const at = 1_768_337_682_000;
    const id = createIdGenerator(() => at).next();
    expect(id.slice(1, 9)).toBe(at.toString(36));
    expect(id.slice(9, 13)).toBe('0001');
  });

  it('gives two generators on the same clock different ids', () => {
    const clock = () => 1_768_000_000_000;
    expect(createIdGenerator(clock).next()).not.toBe(createIdGenerator(clock).next());
  });
});
