import type { SQL } from 'drizzle-orm';
import { type Cents, centsToDecimalString, decimalStringToCents } from '../../domain/money';
import type { Database } from './database';

/**
 * Lists travel as ONE JSON text parameter (`jsonb_array_elements_text`), never as an array
 * parameter: the Data API rejects arrays. 2,000 keeps a result page well under the Data API's
 * 1 MiB response limit (each field costs ~40 bytes of JSON envelope there).
 */
export const LIST_BATCH_SIZE = 2_000;

export function chunked<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * JSON text per list parameter of a statement that returns no rows per key (a write): the Data API
 * refuses a request above 4 MiB, and the JSON text travels escaped inside its JSON request.
 */
export const WRITE_LIST_BYTES = 1024 * 1024;

/** Splits `list` into consecutive batches whose JSON text stays under `maxBytes`. */
export function byteBatches(list: readonly string[], maxBytes = WRITE_LIST_BYTES): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const value of list) {
    // UTF-8 bytes, quotes (escaped once more in the request) and a comma; barcodes hold no
    // control characters (text.ts refuses them), so nothing else grows when escaped.
    const size = Buffer.byteLength(value, 'utf8') + 5;
    if (current.length > 0 && bytes + size > maxBytes) {
      out.push(current);
      current = [];
      bytes = 2;
    }
    current.push(value);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

const PG_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Normalises what the drivers hand back for timestamptz to ISO-8601 UTC with milliseconds:
 * PGlite and node-postgres give `2026-01-13 16:54:56.747+00`, the Data API gives
 * `2026-01-13 16:54:56.747` (UTC, no offset).
 */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') throw new Error(`not a timestamp: ${String(value)}`);
  const match = PG_TIMESTAMP.exec(value.trim());
  if (!match) {
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw new Error(`not a timestamp: ${value}`);
    return parsed.toISOString();
  }
  const [, date, time, fraction = '', zone = 'Z'] = match;
  // JS dates hold milliseconds; PostgreSQL keeps microseconds, which are truncated here.
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '.000';
  let offset = zone;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    offset = `${digits.slice(0, 3)}:${digits.slice(3, 5).padEnd(2, '0')}`;
  }
  return new Date(`${date}T${time}${millis}${offset}`).toISOString();
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

export function centsOrNull(value: unknown): Cents | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return decimalStringToCents(value.toFixed(2));
  if (typeof value === 'string') return decimalStringToCents(value);
  throw new Error(`not a decimal: ${String(value)}`);
}

export function decimalOrNull(cents: Cents | null | undefined): string | null {
  return cents === null || cents === undefined ? null : centsToDecimalString(cents);
}

/** bigint arrives as a string from node-postgres/PGlite and as a number from the Data API. */
export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${String(value)}`);
  return n;
}

export function numberOf(value: unknown): number {
  const n = numberOrNull(value);
  if (n === null) throw new Error('unexpected null number');
  return n;
}

/** jsonb is parsed by node-postgres and PGlite but comes as text from the Data API. */
export function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export function stringOf(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected a string, got ${typeof value}`);
  return value;
}

export function stringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : stringOf(value);
}

export type Row = Record<string, unknown>;

/** Raw statements: every driver answers `{ rows }` with one object per row keyed by column name. */
export async function queryRows(db: Database, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows.filter((row): row is Row => typeof row === 'object' && row !== null);
  }
  throw new Error('unexpected result shape from the database driver');
}
