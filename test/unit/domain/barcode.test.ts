import { describe, expect, it } from 'vitest';
import { normalizeBarcode } from '../../../lambdas/domain/barcode';

describe('normalizeBarcode', () => {
  it('leaves a clean barcode as it is', () => {
    expect(normalizeBarcode('8696947006698')).toBe('8696947006698');
  });

  it('trims leading and trailing whitespace', () => {
    expect(normalizeBarcode('  8696947006698\n')).toBe('8696947006698');
  });

  it('joins inner spaces as Trendyol does on import ("ABC 123" → "ABC123")', () => {
    expect(normalizeBarcode('ABC 123')).toBe('ABC123');
  });

  it('removes runs of inner spaces, tabs and newlines', () => {
    expect(normalizeBarcode('A \t B\t\tC\r\nD  E')).toBe('ABCDE');
  });

  it('removes non-breaking spaces too', () => {
    expect(normalizeBarcode('ABC\u00a0123')).toBe('ABC123');
  });

  it('turns a whitespace-only barcode into an empty string', () => {
    expect(normalizeBarcode(' \t ')).toBe('');
  });

  it('keeps case and punctuation', () => {
    expect(normalizeBarcode('abc-X_1.2')).toBe('abc-X_1.2');
  });
});
