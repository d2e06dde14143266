import { describe, expect, it } from 'vitest';
import {
  centsToDecimalString,
  centsToJsonNumber,
  decimalStringToCents,
  MAX_CENTS,
  parseMoney,
} from '../../../lambdas/domain/money';

describe('parseMoney', () => {
  it('reads a JSON number through its decimal text: 112.85 → 11285 kuruş', () => {
    expect(parseMoney(112.85)).toEqual({ ok: true, cents: 11285 });
  });

  it('reads a decimal string the same way as the number', () => {
    expect(parseMoney('112.85')).toEqual({ ok: true, cents: 11285 });
  });

  it('trims a decimal string before reading it', () => {
    expect(parseMoney('  7.05 ')).toEqual({ ok: true, cents: 705 });
  });

  it('accepts zero (the seed pushed 0 and Trendyol took it)', () => {
    expect(parseMoney(0)).toEqual({ ok: true, cents: 0 });
    expect(parseMoney('0')).toEqual({ ok: true, cents: 0 });
  });

  it('reads one decimal as tenths: 10.5 → 1050, "10.5" → 1050', () => {
    expect(parseMoney(10.5)).toEqual({ ok: true, cents: 1050 });
    expect(parseMoney('10.5')).toEqual({ ok: true, cents: 1050 });
  });

  it('reads whole numbers and zero-padded fractions', () => {
    expect(parseMoney(5)).toEqual({ ok: true, cents: 500 });
    expect(parseMoney('10.05')).toEqual({ ok: true, cents: 1005 });
    expect(parseMoney(0.01)).toEqual({ ok: true, cents: 1 });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses the non-finite %s',
    (n) => {
      expect(parseMoney(n)).toEqual({ ok: false, reason: 'must be a finite number' });
    },
  );

  it('refuses 1e21, whose text is exponent notation', () => {
    expect(parseMoney(1e21)).toEqual({
      ok: false,
      reason: 'must be a decimal number with at most 2 decimals',
    });
  });

  it.each([null, undefined, true, {}, [], 10n])(
    'refuses a value that is neither number nor string: %s',
    (v) => {
      expect(parseMoney(v)).toEqual({ ok: false, reason: 'must be a number' });
    },
  );

  it.each([-1, -0.01, '-5', ' -5', '-0'])('refuses the negative %s with "must not be negative"', (v) => {
    expect(parseMoney(v)).toEqual({ ok: false, reason: 'must not be negative' });
  });

  it.each([1.234, '1.234', '0.001', '5.1000'])('refuses %s with "must have at most 2 decimals"', (v) => {
    expect(parseMoney(v)).toEqual({ ok: false, reason: 'must have at most 2 decimals' });
  });

  it('refuses binary float noise (0.1 + 0.2) instead of rounding it', () => {
    const noisy = 0.1 + 0.2;
    expect(String(noisy)).toBe('0.30000000000000004');
    expect(parseMoney(noisy)).toEqual({ ok: false, reason: 'must have at most 2 decimals' });
  });

  it.each(['', '   ', 'abc', '1,5', '.5', '5.', '+5', '1 000', '1e3', '0x10', '12.3a'])(
    'refuses the garbage text %j',
    (v) => {
      expect(parseMoney(v)).toEqual({
        ok: false,
        reason: 'must be a decimal number with at most 2 decimals',
      });
    },
  );

  it('accepts the numeric(12,2) maximum exactly', () => {
    expect(MAX_CENTS).toBe(999_999_999_999);
    expect(parseMoney('9999999999.99')).toEqual({ ok: true, cents: MAX_CENTS });
    expect(parseMoney(9999999999.99)).toEqual({ ok: true, cents: MAX_CENTS });
  });

  it('refuses an amount one step above the maximum as too large', () => {
    expect(parseMoney('10000000000')).toEqual({ ok: false, reason: 'is too large' });
    expect(parseMoney(10000000000)).toEqual({ ok: false, reason: 'is too large' });
    expect(parseMoney(Number.MAX_SAFE_INTEGER)).toEqual({ ok: false, reason: 'is too large' });
  });
});

describe('centsToJsonNumber', () => {
  it.each([
    [11285, '112.85'],
    [1050, '10.5'],
    [1005, '10.05'],
    [1010, '10.1'],
    [0, '0'],
    [100, '1'],
    [1, '0.01'],
    [10, '0.1'],
    [MAX_CENTS, '9999999999.99'],
  ])('%i kuruş → %s', (cents, text) => {
    expect(centsToJsonNumber(cents)).toBe(text);
  });

  it('round-trips through parseMoney for every fraction of one lira', () => {
    for (let cents = 0; cents <= 100; cents += 1) {
      const text = centsToJsonNumber(1200 + cents);
      expect(parseMoney(text)).toEqual({ ok: true, cents: 1200 + cents });
      expect(JSON.parse(text)).toBe((1200 + cents) / 100);
    }
  });
});

describe('centsToDecimalString', () => {
  it.each([
    [11285, '112.85'],
    [1050, '10.50'],
    [1005, '10.05'],
    [0, '0.00'],
    [100, '1.00'],
    [7, '0.07'],
    [MAX_CENTS, '9999999999.99'],
  ])('%i kuruş → %s (always two decimals, as numeric(12,2))', (cents, text) => {
    expect(centsToDecimalString(cents)).toBe(text);
  });
});

describe('decimalStringToCents', () => {
  it.each([
    ['0.0000', 0],
    ['5', 500],
    ['112.85', 11285],
    ['10.5', 1050],
    ['10.50', 1050],
    ['1.2300', 123],
    [' 3.10 ', 310],
    ['9999999999.99', MAX_CENTS],
  ])('%j → %i', (text, cents) => {
    expect(decimalStringToCents(text)).toBe(cents);
  });

  it('throws on a third non-zero decimal rather than rounding', () => {
    expect(() => decimalStringToCents('1.001')).toThrow('more than 2 decimals: 1.001');
  });

  it.each(['abc', '', '-1', '1.', '.5', '1,5', '1e3'])('throws on the garbage %j', (text) => {
    expect(() => decimalStringToCents(text)).toThrow(`not a non-negative decimal: ${text}`);
  });

  it('reads back what centsToDecimalString wrote', () => {
    for (const cents of [0, 1, 99, 100, 1005, 11285, MAX_CENTS]) {
      expect(decimalStringToCents(centsToDecimalString(cents))).toBe(cents);
    }
  });
});

describe('parseMoney: leading zeros', () => {
  it('reads leading zeros as no value rather than as extra digits', () => {
    expect(parseMoney('00000000001')).toEqual({ ok: true, cents: 100 });
    expect(parseMoney('00000000000.50')).toEqual({ ok: true, cents: 50 });
  });
});
