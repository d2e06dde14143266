import { describe, expect, it } from 'vitest';
import { parseCsvItems, parseItemsFile, parseJsonItems } from '../../../local/cli/read-items';

const HEADER = 'barcode,quantity,salePrice,listPrice';

describe('eci push: reading CSV', () => {
  it('reads rows into items; an empty cell leaves the field out', () => {
    expect(parseCsvItems(`${HEADER}\nA-1,5,149.90,199\nA-2,,10,\n`)).toEqual([
      { barcode: 'A-1', quantity: 5, salePrice: 149.9, listPrice: 199 },
      { barcode: 'A-2', salePrice: 10 },
    ]);
    expect(parseCsvItems(`\uFEFFlistPrice,salePrice,quantity,barcode\r\n2,1,0,B\r\n`)).toEqual([
      { barcode: 'B', quantity: 0, salePrice: 1, listPrice: 2 },
    ]);
  });

  it.each([
    [`${HEADER}\nA,1,1,1\nB,1.5,1,1\n`, 'line 3: quantity "1.5" is not a whole number'],
    [`${HEADER}\nA,1,1,1\n\nC,1,1e3,1\n`, 'line 4: salePrice "1e3" is not a price'],
    [`${HEADER}\nA,1,1.999,1\n`, 'line 2: salePrice "1.999"'],
    [`${HEADER}\n,1,1,1\n`, 'line 2: barcode is empty'],
    [`${HEADER}\nA,,,\n`, 'line 2: barcode A has no quantity'],
    [`${HEADER}\nA,1,1\n`, 'line 2:'],
    ['barcode,qty\nA,1\n', 'line 1: the header must be barcode,quantity,salePrice,listPrice'],
    [`${HEADER}\n`, 'has a header but no rows'],
    // The API's own item rules, before anything is sent (review: these were 0-based item indexes
    // from the server, and a file over 50,000 rows was half pushed before one was found).
    [`${HEADER}\nA,1,1,1\nB,25000,1,1\n`, 'line 3: quantity must be at most 20000'],
    [`${HEADER}\nA+B,1,1,1\n`, 'line 2: barcode must not contain "+"'],
    [`${HEADER}\nA,1,10,5\n`, 'line 2: listPrice'],
  ])('refuses %j with the line', (text, message) => {
    expect(() => parseCsvItems(text)).toThrow(message);
  });
});

describe('eci push: reading JSON and choosing by extension', () => {
  it('takes an array or {items}', () => {
    expect(parseJsonItems('[{"barcode":"A","quantity":1}]')).toEqual([{ barcode: 'A', quantity: 1 }]);
    expect(parseJsonItems('{"items":[{"barcode":"A","quantity":1}]}')).toHaveLength(1);
    expect(() => parseJsonItems('{"items":[]}')).toThrow('non-empty array');
    expect(() => parseJsonItems('{')).toThrow('not valid JSON');
  });

  it('refuses other extensions', () => {
    expect(() => parseItemsFile('stock.xlsx', '')).toThrow('use a .csv or .json file');
  });
});
