import { describe, expect, it } from 'vitest';
import { centsOrNull, chunked, toIso } from '../../../lambdas/adapters/postgres/rows';

describe('toIso', () => {
  it('normalises what each driver returns for timestamptz', () => {
    expect(toIso('2026-01-13 16:54:56.747+00')).toBe('2026-01-13T16:54:56.747Z');
    expect(toIso('2026-01-13 16:54:56.747')).toBe('2026-01-13T16:54:56.747Z');
    expect(toIso('2026-01-13 19:54:56.747123+03')).toBe('2026-01-13T16:54:56.747Z');
    expect(toIso('2026-01-13 16:54:56-05:30')).toBe('2026-01-13T22:24:56.000Z');
    expect(toIso('2026-01-13T16:54:56.7Z')).toBe('2026-01-13T16:54:56.700Z');
    expect(toIso(new Date('2026-01-13T16:54:56.747Z'))).toBe('2026-01-13T16:54:56.747Z');
    expect(() => toIso('yesterday')).toThrow();
  });
});

describe('centsOrNull', () => {
  it('reads numeric text exactly', () => {
    expect(centsOrNull('112.85')).toBe(11285);
    expect(centsOrNull('9999999999.99')).toBe(999_999_999_999);
    expect(centsOrNull('0.0000')).toBe(0);
    expect(centsOrNull(null)).toBeNull();
  });
});

describe('chunked', () => {
  it('splits a list into batches', () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([], 2)).toEqual([]);
  });
});
