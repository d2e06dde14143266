/**
 * Trendyol joins barcodes with inner spaces on import ("ABC 123" → "ABC123"), so ECI does the same
 * before coalescing and diffing; otherwise two spellings of one product would be sent separately.
 */
export function normalizeBarcode(raw: string): string {
  return raw.replace(/\s+/g, '');
}
