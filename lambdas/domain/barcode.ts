/**
 * The barcode alphabet ECI accepts, decided here because Trendyol does not document one
 * (/work/shared/trendyol-contract.md lists only that a barcode is required, that blank ones are refused
 * synchronously, that inner spaces are joined on import, and that a bad one fails its item later with
 * free text such as "Barkod formatı geçersiz"):
 * - ASCII letters `A–Z a–z`, digits `0–9`, and the punctuation `-` `_` `.` `/`;
 * - 1 to {@link MAX_BARCODE_LENGTH} (40) characters after normalisation.
 *
 * This is the rule the project's Trendyol simulator applies before it fails an item with "Barkod
 * formatı geçersiz" (local/simulator/README.md), so ECI refuses up front exactly what would fail later.
 *
 * Why this set: GS1 barcodes (EAN-8/13, UPC, GTIN-14) are digits, and seller stock codes used as
 * barcodes are letters, digits and separators. Anything else (accented or non-Latin letters, symbols,
 * control characters, NUL, unpaired surrogates, bidi overrides) would either fail the item at Trendyol
 * an hour later or, for NUL and surrogates, break storage; refusing it with a 400 before the push is
 * queued is the cheaper answer. Staying in ASCII also means one product cannot have two spellings that
 * differ only in Unicode normalisation.
 */
export const BARCODE_PATTERN = /^[A-Za-z0-9._/-]+$/;
export const MAX_BARCODE_LENGTH = 40;

/**
 * Trendyol joins barcodes with inner spaces on import ("ABC 123" → "ABC123"), so ECI does the same
 * before coalescing and diffing; otherwise two spellings of one product would be sent separately.
 * Only the ASCII space (U+0020) is removed: tabs, line breaks and other spaces are refused by
 * {@link barcodeProblem} instead of being silently joined.
 */
export function normalizeBarcode(raw: string): string {
  return raw.replace(/ +/g, '');
}

/**
 * Why a normalised barcode is refused, or undefined when it is in the alphabet. The message names the
 * first offending character by code point, e.g. `must not contain "é" (U+00E9); allowed: …`.
 */
export function barcodeProblem(barcode: string): string | undefined {
  if (barcode.length === 0) return 'must not be blank';
  if (barcode.length > MAX_BARCODE_LENGTH) return `must be at most ${MAX_BARCODE_LENGTH} characters`;
  if (BARCODE_PATTERN.test(barcode)) return undefined;
  const bad = [...barcode].find((c) => !BARCODE_PATTERN.test(c)) ?? '';
  const cp = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(bad) ? `"${bad}" (${cp})` : cp;
  return `must not contain ${shown}; allowed: letters A–Z a–z, digits 0–9 and - _ . /`;
}
