import { describe, expect, it } from 'vitest';
import { barcodeProblem, normalizeBarcode } from '../../../lambdas/domain/barcode';

describe('normalizeBarcode', () => {
  it('leaves a clean barcode as it is', () => {
    expect(normalizeBarcode('8696947006698')).toBe('8696947006698');
  });

  it('trims leading and trailing spaces', () => {
    expect(normalizeBarcode('  8696947006698 ')).toBe('8696947006698');
  });

  it('joins inner spaces as Trendyol does on import ("ABC 123" → "ABC123")', () => {
    expect(normalizeBarcode('ABC 123')).toBe('ABC123');
    expect(normalizeBarcode('A  B   C')).toBe('ABC');
  });

  it('leaves tabs, line breaks and non-breaking spaces for barcodeProblem to refuse', () => {
    expect(normalizeBarcode('A\tB')).toBe('A\tB');
    expect(barcodeProblem(normalizeBarcode('A\tB'))).toMatch(/U\+0009/);
    expect(barcodeProblem(normalizeBarcode('ABC\u00a0123'))).toMatch(/U\+00A0/);
  });

  it('turns a space-only barcode into an empty string', () => {
    expect(normalizeBarcode('   ')).toBe('');
  });

  it('keeps case and punctuation', () => {
    expect(normalizeBarcode('abc-X_1.2')).toBe('abc-X_1.2');
  });
});

describe('barcodeProblem (the alphabet)', () => {
  it.each(['8696947006698', 'abc-X_1.2', 'SKU/42-B', 'A', 'A'.repeat(40)])('accepts %s', (barcode) => {
    expect(barcodeProblem(barcode)).toBeUndefined();
  });

  it.each([
    ['blank', '', /blank/],
    ['too long', 'A'.repeat(41), /at most 40/],
    // Review finding: accepted with 202, then failed at Trendyol ("Barkod formatı geçersiz").
    ['a plus sign', 'A+B', /"\+" \(U\+002B\)/],
    ['a NUL', 'A\u0000B', /U\+0000/],
    ['a Turkish letter', 'ŞAPKA1', /"Ş" \(U\+015E\)/],
    ['a bidi override', 'AB\u202eC', /U\+202E/],
    ['an unpaired surrogate', 'A\ud800', /U\+D800/],
    ['an emoji', 'A😀', /U\+1F600/],
    ['a comma', 'A,B', /","/],
    ['a quote', 'A"B', /U\+0022/],
  ])('refuses %s', (_what, barcode, message) => {
    expect(barcodeProblem(barcode)).toMatch(message);
  });
});
