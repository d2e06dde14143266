/**
 * Money is held as an integer number of kuruş (1/100 TRY). Binary floats never take part in a
 * comparison or a hash: input is parsed from its decimal text, output is rendered from the integer.
 */
export type Cents = number;

/** numeric(12,2): the largest amount the database column can hold. */
export const MAX_CENTS: Cents = 999_999_999_999;

export type MoneyParseResult = { ok: true; cents: Cents } | { ok: false; reason: string };

const DECIMAL_TEXT = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a price given as a JSON number or a decimal string. A JSON number is read through its
 * shortest round-trip text (what the caller typed, e.g. `112.85`), so `0.1 + 0.2` style noise cannot
 * sneak in: a value with a third decimal is refused rather than rounded.
 */
export function parseMoney(input: unknown): MoneyParseResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: 'must be a finite number' };
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { ok: false, reason: 'must be a number' };
  }
  if (text.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  const match = DECIMAL_TEXT.exec(text);
  if (!match) {
    return /^\d+\.\d{3,}$/.test(text)
      ? { ok: false, reason: 'must have at most 2 decimals' }
      : { ok: false, reason: 'must be a decimal number with at most 2 decimals' };
  }
  // Leading zeros carry no value; ten significant digits is what numeric(12,2) holds.
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  if (whole.length > 10) return { ok: false, reason: 'is too large' };
  return { ok: true, cents: Number(whole) * 100 + Number(fraction) };
}

/** Fixed two-decimal text, as stored in numeric(12,2): 11285 → "112.85", 0 → "0.00". */
export function centsToDecimalString(cents: Cents): string {
  const whole = Math.trunc(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${whole}.${fraction}`;
}

/**
 * The shortest JSON number text for an amount, as Trendyol's own samples write prices:
 * 11285 → "112.85", 1050 → "10.5", 0 → "0". Built from the integer, never from a float.
 */
export function centsToJsonNumber(cents: Cents): string {
  const whole = Math.trunc(cents / 100);
  const fraction = cents % 100;
  if (fraction === 0) return String(whole);
  const text = String(fraction).padStart(2, '0');
  return `${whole}.${text.endsWith('0') ? text.slice(0, 1) : text}`;
}

/** Reads a numeric(12,2) column value ("112.85", "0.0000", "5") back into cents. */
export function decimalStringToCents(text: string): Cents {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a non-negative decimal: ${text}`);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  if (/[1-9]/.test(fraction.slice(2))) throw new Error(`more than 2 decimals: ${text}`);
  return Number(match[1]) * 100 + Number(fraction.slice(0, 2));
}
