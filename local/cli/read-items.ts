import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { pushItemSchema, toIssues } from '../../lambdas/domain/push-request';

/** One item as the push route takes it (prices in TRY; the API converts them to kuruş). */
export interface CliItem {
  barcode: string;
  quantity?: number;
  salePrice?: number;
  listPrice?: number;
}

/** A file the CLI cannot push, with the 1-based line of the bad row when there is one. */
export class InputFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

export const CSV_COLUMNS = ['barcode', 'quantity', 'salePrice', 'listPrice'] as const;

// Decimal text only: "12.5" yes, "1e3", "0x10", "12,50" no (the API would refuse them item by item
// anyway; here the seller learns the line). At most two decimals: kuruş.
const PRICE = /^\d{1,10}(\.\d{1,2})?$/;
const QUANTITY = /^\d{1,9}$/;

function rowToItem(row: Record<string, string>, line: number): CliItem {
  const barcode = (row.barcode ?? '').trim();
  if (barcode === '') throw new InputFileError('barcode is empty', line);
  const item: CliItem = { barcode };
  const quantity = (row.quantity ?? '').trim();
  if (quantity !== '') {
    if (!QUANTITY.test(quantity))
      throw new InputFileError(`quantity "${quantity}" is not a whole number`, line);
    item.quantity = Number(quantity);
  }
  for (const field of ['salePrice', 'listPrice'] as const) {
    const text = (row[field] ?? '').trim();
    if (text === '') continue;
    if (!PRICE.test(text)) {
      throw new InputFileError(
        `${field} "${text}" is not a price like 149.90 (dot, at most two decimals)`,
        line,
      );
    }
    item[field] = Number(text);
  }
  if (item.quantity === undefined && item.salePrice === undefined && item.listPrice === undefined) {
    throw new InputFileError(`barcode ${barcode} has no quantity, salePrice or listPrice`, line);
  }
  checkItem(item, line);
  return item;
}

/**
 * The API's own item rules (barcode alphabet, quantity bounds, listPrice ≥ salePrice…), applied to every
 * row before anything is sent, so a bad row is named by its line and a file over 50,000 rows is never
 * half pushed. `where` is the CSV line, or the JSON item's 0-based index.
 */
function checkItem(item: unknown, line: number | undefined, where = ''): void {
  const parsed = pushItemSchema.safeParse(item);
  if (parsed.success) return;
  const [first] = toIssues(parsed.error);
  throw new InputFileError(`${where}${first?.path ?? 'item'} ${first?.message ?? 'is invalid'}`, line);
}

/**
 * CSV with the header `barcode,quantity,salePrice,listPrice` (any order, all four required; an empty
 * cell leaves that field out of the item). Throws {@link InputFileError} naming the file line.
 */
export function parseCsvItems(text: string): CliItem[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
        const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
        if (missing.length > 0 || unknown.length > 0) {
          throw new InputFileError(
            `the header must be ${CSV_COLUMNS.join(',')}` +
              (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
              (unknown.length > 0 ? `; unknown ${unknown.join(', ')}` : ''),
            1,
          );
        }
        return names;
      },
      skip_empty_lines: true,
      bom: true,
      info: true,
    });
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const e = error as Error & { lines?: number };
    throw new InputFileError(e.message.replace(/^Invalid Record Length: /, ''), e.lines);
  }
  if (records.length === 0) throw new InputFileError('the file has a header but no rows');
  return records.map(({ record, info }) => rowToItem(record, info.lines));
}

/** JSON: an array of items or `{"items":[…]}` (the push body without connectionId). */
export function parseJsonItems(text: string): CliItem[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(`not valid JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(data) ? data : (data as { items?: unknown })?.items;
  if (!Array.isArray(items) || items.length === 0) {
    throw new InputFileError('expected a non-empty array of items or {"items":[…]}');
  }
  for (const [index, item] of items.entries()) checkItem(item, undefined, `items.${index}.`);
  return items as CliItem[];
}

/** Chooses the parser by extension (.csv or .json). */
export function parseItemsFile(path: string, text: string): CliItem[] {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return parseCsvItems(text);
  if (ext === '.json') return parseJsonItems(text);
  throw new InputFileError(`${path}: use a .csv or .json file`);
}
