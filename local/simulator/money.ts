// Prices travel as JSON numbers but are compared as integer cents: floats never meet `<` here.
// String(n) gives the shortest round-trip form, so 112.85 reads back as "112.85", never 112.8499….
export function toCents(value: number): number | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

// Integer division by 100 is correctly rounded, so the result prints as the 2-decimal price.
export function centsToNumber(cents: number): number {
  return cents / 100;
}
