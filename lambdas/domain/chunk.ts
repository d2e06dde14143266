import { createHash } from 'node:crypto';
import type { InventoryItem } from './inventory-item';
import { CHUNK_SIZE } from './inventory-item';
import { centsToJsonNumber } from './money';

export interface Chunk {
  chunkIndex: number;
  items: InventoryItem[];
  /** Exactly the bytes sent to Trendyol. */
  body: string;
  /** SHA-256 hex of `body`. */
  bodyHash: string;
}

function compareBarcodes(a: InventoryItem, b: InventoryItem): number {
  if (a.barcode < b.barcode) return -1;
  return a.barcode > b.barcode ? 1 : 0;
}

/**
 * Renders Trendyol's request body with a fixed key order and prices written from integers, so one
 * set of values always gives the same bytes (and hash). No `currencyType`: the endpoint takes none.
 */
export function renderChunkBody(items: readonly InventoryItem[]): string {
  const rendered = items.map((item) => {
    const fields = [`"barcode":${JSON.stringify(item.barcode)}`];
    if (item.quantity !== undefined) fields.push(`"quantity":${item.quantity}`);
    if (item.salePrice !== undefined) fields.push(`"salePrice":${centsToJsonNumber(item.salePrice)}`);
    if (item.listPrice !== undefined) fields.push(`"listPrice":${centsToJsonNumber(item.listPrice)}`);
    return `{${fields.join(',')}}`;
  });
  return `{"items":[${rendered.join(',')}]}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Splits items into chunks of at most `size`, ordered by barcode so the same set of changes always
 * produces the same chunks whatever order the caller listed them in.
 */
export function chunkItems(items: readonly InventoryItem[], size = CHUNK_SIZE): Chunk[] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const sorted = [...items].sort(compareBarcodes);
  const chunks: Chunk[] = [];
  for (let start = 0; start < sorted.length; start += size) {
    const slice = sorted.slice(start, start + size);
    const body = renderChunkBody(slice);
    chunks.push({ chunkIndex: chunks.length, items: slice, body, bodyHash: sha256Hex(body) });
  }
  return chunks;
}
