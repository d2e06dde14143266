import type { Connection } from './repositories';
import type { ConnectionCredentials } from './secret-store';

/** How one call to Trendyol ended, classified so use cases never look at raw HTTP. */
export type UpdateOutcome =
  | { kind: 'accepted'; batchRequestId: string; httpStatus: number; latencyMs: number }
  /** 400: Trendyol refused the body; `body` is its answer verbatim. */
  | { kind: 'validation'; httpStatus: number; body: unknown; latencyMs: number }
  /** "15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!": the identical body was already received. */
  | { kind: 'duplicate-request'; httpStatus: number; body: unknown; latencyMs: number }
  /** 401/403 with Trendyol's JSON: wrong credentials or missing User-Agent. */
  | { kind: 'auth'; httpStatus: number; body: unknown; latencyMs: number }
  /** Stage without IP allow-listing: 503 or an HTML 401/403. */
  | { kind: 'blocked'; httpStatus: number; body: unknown; latencyMs: number }
  | { kind: 'rate-limited'; httpStatus: number; retryAfterMs: number | null; latencyMs: number }
  | { kind: 'server-error'; httpStatus: number; body: unknown; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number }
  /** 200 without a batchRequestId: Trendyol may or may not have queued the body. */
  | { kind: 'no-batch-id'; httpStatus: number; body: unknown; latencyMs: number };

export type UpdateOutcomeKind = UpdateOutcome['kind'];

export interface BatchResultItem {
  requestItem: {
    barcode: string;
    quantity?: number | null;
    salePrice?: number | null;
    listPrice?: number | null;
    updateRequestDate?: string;
  };
  status: string;
  failureReasons: string[];
}

export interface BatchResult {
  batchRequestId: string;
  items: BatchResultItem[];
  /** The body exactly as Trendyol sent it. */
  raw: Record<string, unknown>;
}

export type BatchOutcome =
  | { kind: 'found'; batch: BatchResult; latencyMs: number }
  /** Past Trendyol's 4-hour retention (or unknown): the result can no longer be read. */
  | { kind: 'gone'; httpStatus: number; latencyMs: number }
  | Exclude<UpdateOutcome, { kind: 'accepted' | 'duplicate-request' | 'validation' | 'no-batch-id' }>;

export interface LiveValue {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
}

export type ReadBackOutcome =
  | { kind: 'found'; values: LiveValue[]; latencyMs: number }
  | Exclude<BatchOutcome, { kind: 'found' | 'gone' }>;

export interface MarketplaceClient {
  /** POST price-and-inventory with `body` as the exact bytes. */
  updatePriceAndInventory(
    connection: Connection,
    credentials: ConnectionCredentials,
    body: string,
  ): Promise<UpdateOutcome>;
  getBatchResult(
    connection: Connection,
    credentials: ConnectionCredentials,
    batchRequestId: string,
  ): Promise<BatchOutcome>;
  /** Live values for at most 50 barcodes (prices in cents). */
  readBack(
    connection: Connection,
    credentials: ConnectionCredentials,
    barcodes: readonly string[],
  ): Promise<ReadBackOutcome>;
}
