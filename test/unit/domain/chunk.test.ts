import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkItems, renderChunkBody, sha256Hex } from '../../../lambdas/domain/chunk';
import { CHUNK_SIZE, type InventoryItem } from '../../../lambdas/domain/inventory-item';

function independentSha256(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

const SEED_ITEM: InventoryItem = { barcode: '8696947006698', quantity: 0, salePrice: 0, listPrice: 0 };
const SEED_BODY = '{"items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0}]}';
const SEED_BODY_HASH = 'd474fc828a00f2918ed3ae6153a4a3799159dd1e797b054605d237143ad19fef';

describe('renderChunkBody', () => {
  it('renders the seed item as exactly the bytes Trendyol receives, without currencyType', () => {
    expect(renderChunkBody([SEED_ITEM])).toBe(SEED_BODY);
  });

  it('renders prices from kuruş as the shortest decimal numbers', () => {
    const body = renderChunkBody([{ barcode: 'A', quantity: 100, salePrice: 11285, listPrice: 11350 }]);
    expect(body).toBe('{"items":[{"barcode":"A","quantity":100,"salePrice":112.85,"listPrice":113.5}]}');
    expect(JSON.parse(body)).toEqual({
      items: [{ barcode: 'A', quantity: 100, salePrice: 112.85, listPrice: 113.5 }],
    });
  });

  it('omits fields the item does not carry', () => {
    expect(renderChunkBody([{ barcode: 'Q', quantity: 7 }])).toBe('{"items":[{"barcode":"Q","quantity":7}]}');
    expect(renderChunkBody([{ barcode: 'S', salePrice: 1005 }])).toBe(
      '{"items":[{"barcode":"S","salePrice":10.05}]}',
    );
    expect(renderChunkBody([{ barcode: 'L', listPrice: 100 }])).toBe(
      '{"items":[{"barcode":"L","listPrice":1}]}',
    );
  });

  it('uses a fixed key order whatever order the item object has', () => {
    const scrambled: InventoryItem = { listPrice: 200, quantity: 1, salePrice: 100, barcode: 'A' };
    expect(renderChunkBody([scrambled])).toBe(
      '{"items":[{"barcode":"A","quantity":1,"salePrice":1,"listPrice":2}]}',
    );
  });

  it('escapes a barcode as a JSON string', () => {
    const body = renderChunkBody([{ barcode: 'A"\\B', quantity: 1 }]);
    expect(body).toBe('{"items":[{"barcode":"A\\"\\\\B","quantity":1}]}');
    expect(JSON.parse(body)).toEqual({ items: [{ barcode: 'A"\\B', quantity: 1 }] });
  });

  it('separates items with commas and no spaces', () => {
    expect(
      renderChunkBody([
        { barcode: 'A', quantity: 1 },
        { barcode: 'B', quantity: 2 },
      ]),
    ).toBe('{"items":[{"barcode":"A","quantity":1},{"barcode":"B","quantity":2}]}');
  });
});

describe('sha256Hex', () => {
  it('is the SHA-256 hex of the UTF-8 bytes', () => {
    expect(sha256Hex(SEED_BODY)).toBe(independentSha256(SEED_BODY));
    expect(sha256Hex(SEED_BODY)).toBe(SEED_BODY_HASH);
    expect(sha256Hex('ş')).toBe(independentSha256('ş'));
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it("documents the seed's f91eec63… hash: it covered a body that still carried currencyType", () => {
    const seedShape =
      '{"items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0,"currencyType":"TRY"}]}';
    expect(independentSha256(seedShape)).toBe(
      'f91eec6367fc243454b5b23d9082baa485b1f83a8345b0385cec1c0bc4397c75',
    );
    expect(chunkItems([SEED_ITEM])[0]?.bodyHash).not.toBe(independentSha256(seedShape));
  });
});

describe('chunkItems', () => {
  it('makes one chunk for the seed item with its exact body and hash', () => {
    const chunks = chunkItems([SEED_ITEM]);
    expect(chunks).toEqual([
      { chunkIndex: 0, items: [SEED_ITEM], body: SEED_BODY, bodyHash: SEED_BODY_HASH },
    ]);
    expect(chunks[0]?.bodyHash).toBe(independentSha256(SEED_BODY));
  });

  it('orders items by barcode, so input order does not change bodies or hashes', () => {
    const a: InventoryItem = { barcode: 'A1', quantity: 1 };
    const b: InventoryItem = { barcode: 'B2', salePrice: 250 };
    const c: InventoryItem = { barcode: 'C3', listPrice: 999 };
    const forward = chunkItems([a, b, c]);
    const backward = chunkItems([c, a, b]);
    expect(backward).toEqual(forward);
    expect(forward[0]?.items.map((i) => i.barcode)).toEqual(['A1', 'B2', 'C3']);
    expect(forward[0]?.bodyHash).toBe(independentSha256(renderChunkBody([a, b, c])));
  });

  it('gives a different hash when any value changes', () => {
    const one = chunkItems([{ barcode: 'A', salePrice: 100 }])[0]?.bodyHash;
    const other = chunkItems([{ barcode: 'A', salePrice: 101 }])[0]?.bodyHash;
    expect(one).not.toBe(other);
  });

  it('splits 1001 items into chunks of 1000 and 1, indexed in order', () => {
    expect(CHUNK_SIZE).toBe(1000);
    const items: InventoryItem[] = Array.from({ length: 1001 }, (_, i) => ({
      barcode: `B${String(i).padStart(4, '0')}`,
      quantity: i,
    }));
    const chunks = chunkItems(items.toReversed());
    expect(chunks.map((c) => c.items.length)).toEqual([1000, 1]);
    expect(chunks.map((c) => c.chunkIndex)).toEqual([0, 1]);
    expect(chunks[0]?.items[0]?.barcode).toBe('B0000');
    expect(chunks[0]?.items[999]?.barcode).toBe('B0999');
    expect(chunks[1]?.items).toEqual([{ barcode: 'B1000', quantity: 1000 }]);
    expect(chunks[1]?.body).toBe('{"items":[{"barcode":"B1000","quantity":1000}]}');
    for (const chunk of chunks) {
      expect(chunk.body).toBe(renderChunkBody(chunk.items));
      expect(chunk.bodyHash).toBe(independentSha256(chunk.body));
    }
  });

  it('puts exactly 1000 items in a single chunk', () => {
    const items: InventoryItem[] = Array.from({ length: 1000 }, (_, i) => ({
      barcode: `B${i}`,
      quantity: 1,
    }));
    expect(chunkItems(items)).toHaveLength(1);
  });

  it('honours a size parameter', () => {
    const items: InventoryItem[] = ['E', 'D', 'C', 'B', 'A'].map((barcode) => ({ barcode, quantity: 1 }));
    const chunks = chunkItems(items, 2);
    expect(chunks.map((c) => c.items.map((i) => i.barcode))).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
    expect(chunks.map((c) => c.chunkIndex)).toEqual([0, 1, 2]);
  });

  it('does not coalesce: two lines for one barcode stay in input order (coalescing comes first)', () => {
    const first: InventoryItem = { barcode: 'A', quantity: 1 };
    const second: InventoryItem = { barcode: 'A', quantity: 2 };
    const chunks = chunkItems([{ barcode: 'B', quantity: 9 }, first, second]);
    expect(chunks[0]?.body).toBe(
      '{"items":[{"barcode":"A","quantity":1},{"barcode":"A","quantity":2},{"barcode":"B","quantity":9}]}',
    );
  });

  it('makes no chunks for no items', () => {
    expect(chunkItems([])).toEqual([]);
  });

  it('does not reorder the caller’s array', () => {
    const items: InventoryItem[] = [
      { barcode: 'B', quantity: 1 },
      { barcode: 'A', quantity: 1 },
    ];
    chunkItems(items);
    expect(items.map((i) => i.barcode)).toEqual(['B', 'A']);
  });
});

describe('chunkItems: size guard', () => {
  it('refuses a size that would loop forever or lose items', () => {
    const items: InventoryItem[] = [{ barcode: 'A', quantity: 1 }];
    expect(() => chunkItems(items, 0)).toThrow(RangeError);
    expect(() => chunkItems(items, Number.NaN)).toThrow(RangeError);
    expect(() => chunkItems(items, 1.5)).toThrow(RangeError);
  });
});
