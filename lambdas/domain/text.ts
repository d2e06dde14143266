import * as z from 'zod';

/**
 * Characters ECI refuses in every piece of text a caller sends (ids, query values, names, barcodes,
 * credentials), found before anything reaches a database or Trendyol:
 * - NUL (U+0000): PostgreSQL `text` cannot store it, so it would surface as a 500;
 * - the other C0 controls (U+0001–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F): they have no
 *   printable form and let a value hide or fake lines in logs;
 * - unpaired UTF-16 surrogates (U+D800–U+DFFF on their own): not Unicode text, refused by PostgreSQL's
 *   UTF-8 encoding;
 * - bidirectional overrides, embeddings, isolates and marks (U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069): they make a value display differently from what it is ("Trojan Source");
 * - the non-characters U+FFFE and U+FFFF.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's purpose.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udfff]/u;

/** The code point as `U+XXXX`. */
function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Names the first character of `value` that ECI refuses (see {@link UNSAFE}), or undefined when the
 * text is safe. Example: `"a\u0000b"` → `"NUL (U+0000) at position 1"`.
 */
export function findUnsafeCharacter(value: string): string | undefined {
  const match = UNSAFE.exec(value);
  if (!match) return undefined;
  const char = match[0];
  const cp = char.codePointAt(0) ?? 0;
  const at = `at position ${match.index}`;
  if (cp === 0) return `NUL (U+0000) ${at}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `an unpaired surrogate (${codePoint(char)}) ${at}`;
  if (cp <= 0x9f) return `a control character (${codePoint(char)}) ${at}`;
  if (cp === 0xfffe || cp === 0xffff) return `a non-character (${codePoint(char)}) ${at}`;
  return `a bidirectional control character (${codePoint(char)}) ${at}`;
}

/** Zod check: the string holds no character {@link findUnsafeCharacter} refuses. */
export function refineSafeText(value: string, ctx: z.RefinementCtx): void {
  const problem = findUnsafeCharacter(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `must not contain ${problem}`, continue: false });
}

/**
 * A caller-supplied string: not blank after trimming, at most `max` characters (UTF-16 units), and
 * free of the characters {@link findUnsafeCharacter} refuses. Returns the trimmed text.
 */
export function safeText(max: number) {
  return z
    .string({ error: 'must be a string' })
    .superRefine(refineSafeText)
    .transform((s) => s.trim())
    .refine((s) => s.length > 0, 'must not be blank')
    .refine((s) => s.length <= max, `must be at most ${max} characters`);
}

/**
 * An ECI id (connection, job) as callers pass it back: 1–64 ASCII letters, digits, `_` or `-`. ECI's own
 * ids are 25 such characters (see ids.ts); anything else cannot name a row, so it is a 400, not a lookup.
 */
export const ecIdSchema = z
  .string({ error: 'must be a string' })
  .superRefine(refineSafeText)
  .refine((s) => s.trim().length > 0, { message: 'must not be blank', abort: true })
  .refine((s) => /^[A-Za-z0-9_-]{1,64}$/.test(s), 'must be 1–64 letters, digits, "_" or "-"');

/**
 * A Trendyol batchRequestId as ECI echoes it: opaque (`<uuid>-<epochSeconds>` today), so only bounded
 * to 1–128 ASCII letters, digits and `. _ : -` (trendyol-contract.md: "treat the id as opaque").
 */
export const batchRequestIdSchema = z
  .string({ error: 'must be a string' })
  .superRefine(refineSafeText)
  .refine((s) => /^[A-Za-z0-9._:-]{1,128}$/.test(s), 'must be 1–128 letters, digits, ".", "_", ":" or "-"');
