import { parseMoney } from '../../domain/money';
import { isRepeatRefusal, summariseText } from '../../domain/trendyol-error';
import type {
  BatchOutcome,
  BatchResultItem,
  LiveValue,
  MarketplaceClient,
  ReadBackOutcome,
  UpdateOutcome,
} from '../../ports/marketplace';
import type { Connection } from '../../ports/repositories';
import type { ConnectionCredentials } from '../../ports/secret-store';

export interface TrendyolHttpClientOptions {
  /** Abort a price-and-inventory call after this long. @default 30000 */
  updateTimeoutMs?: number;
  /** Abort a batch-result or read-back call after this long. @default 15000 */
  readTimeoutMs?: number;
  /** Injected for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Observes every call (latency, outcome) for metrics; never sees credentials. */
  onCall?: (call: {
    endpoint: 'update' | 'batch' | 'read-back';
    kind: string;
    httpStatus: number;
    latencyMs: number;
  }) => void;
}

const STAGE_HOST = 'stageapigw.trendyol.com';

export function userAgentFor(connection: Pick<Connection, 'sellerId' | 'integratorName'>): string {
  return `${connection.sellerId} - ${connection.integratorName ?? 'SelfIntegration'}`;
}

function authorization(credentials: ConnectionCredentials): string {
  return `Basic ${Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`).toString('base64')}`;
}

interface RawResponse {
  status: number;
  body: unknown;
  isJson: boolean;
  retryAfter: string | null;
  latencyMs: number;
}

type Transport =
  | RawResponse
  | { timeout: true; latencyMs: number }
  | { networkError: string; latencyMs: number };

function retryAfterMs(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function priceCents(value: unknown): number | null {
  if (typeof value !== 'number') return null;
  const parsed = parseMoney(value);
  // Trendyol returns prices as JSON numbers; one that is not a clean 2-decimal amount is rounded to kuruş.
  return parsed.ok ? parsed.cents : Math.round(value * 100);
}

/** The marketplace port over Trendyol's HTTP API: every answer classified, credentials only in headers. */
export class TrendyolHttpClient implements MarketplaceClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: TrendyolHttpClientOptions = {}) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  private async call(
    connection: Connection,
    credentials: ConnectionCredentials,
    method: 'GET' | 'POST',
    path: string,
    timeoutMs: number,
    body?: string,
  ): Promise<Transport> {
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.fetchImpl(`${connection.baseUrl}${path}`, {
        method,
        headers: {
          authorization: authorization(credentials),
          'user-agent': userAgentFor(connection),
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body }),
        signal: controller.signal,
      });
      const text = await response.text();
      let parsed: unknown = text;
      let isJson = false;
      try {
        parsed = text.length > 0 ? JSON.parse(text) : null;
        isJson = true;
      } catch {
        // An HTML error page (stage's IP block, a gateway 502) is summarised: never stored or shown whole.
        parsed = summariseText(text);
      }
      return {
        status: response.status,
        body: parsed,
        isJson,
        retryAfter: response.headers.get('retry-after'),
        latencyMs: Date.now() - started,
      };
    } catch (error) {
      const latencyMs = Date.now() - started;
      if (controller.signal.aborted) return { timeout: true, latencyMs };
      return { networkError: (error as Error).message, latencyMs };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Shared classification of answers that mean the same on every endpoint. */
  private classifyCommon(connection: Connection, raw: Transport) {
    if ('timeout' in raw) return { kind: 'timeout', latencyMs: raw.latencyMs } as const;
    if ('networkError' in raw) {
      return {
        kind: 'server-error',
        httpStatus: 0,
        body: raw.networkError,
        latencyMs: raw.latencyMs,
      } as const;
    }
    const { status, body, latencyMs } = raw;
    const onStage = new URL(connection.baseUrl).hostname === STAGE_HOST;
    if ((status === 401 || status === 403) && !raw.isJson)
      return { kind: 'blocked', httpStatus: status, body, latencyMs } as const;
    if (status === 503 && onStage) return { kind: 'blocked', httpStatus: status, body, latencyMs } as const;
    if (status === 401 || status === 403)
      return { kind: 'auth', httpStatus: status, body, latencyMs } as const;
    if (status === 429) {
      return {
        kind: 'rate-limited',
        httpStatus: status,
        retryAfterMs: retryAfterMs(raw.retryAfter),
        latencyMs,
      } as const;
    }
    if (status >= 500) return { kind: 'server-error', httpStatus: status, body, latencyMs } as const;
    return undefined;
  }

  private report(
    endpoint: 'update' | 'batch' | 'read-back',
    outcome: { kind: string; latencyMs: number; httpStatus?: number },
  ) {
    try {
      this.options.onCall?.({
        endpoint,
        kind: outcome.kind,
        httpStatus: outcome.httpStatus ?? 0,
        latencyMs: outcome.latencyMs,
      });
    } catch {
      // A failing metrics observer must never replace the outcome: an accepted batch id would be lost
      // and the blind retry would then be refused as a duplicate.
    }
  }

  async updatePriceAndInventory(
    connection: Connection,
    credentials: ConnectionCredentials,
    body: string,
  ): Promise<UpdateOutcome> {
    const raw = await this.call(
      connection,
      credentials,
      'POST',
      `/inventory/sellers/${connection.sellerId}/products/price-and-inventory`,
      this.options.updateTimeoutMs ?? 30_000,
      body,
    );
    const outcome = this.classifyUpdate(connection, raw);
    this.report('update', outcome);
    return outcome;
  }

  private classifyUpdate(connection: Connection, raw: Transport): UpdateOutcome {
    // The 15-minute refusal has been reported under 400, 403 and 429: its key or message decides,
    // before the status would call it a validation, auth or rate-limit answer.
    if ('status' in raw && raw.status >= 400 && raw.status < 500 && isRepeatRefusal(raw.body)) {
      return { kind: 'duplicate-request', httpStatus: raw.status, body: raw.body, latencyMs: raw.latencyMs };
    }
    const common = this.classifyCommon(connection, raw);
    if (common) return common;
    const { status, body, latencyMs } = raw as RawResponse;
    if (status >= 200 && status < 300) {
      const id = (body as { batchRequestId?: unknown } | null)?.batchRequestId;
      return typeof id === 'string' && id.length > 0
        ? { kind: 'accepted', batchRequestId: id, httpStatus: status, latencyMs }
        : { kind: 'no-batch-id', httpStatus: status, body, latencyMs };
    }
    return { kind: 'validation', httpStatus: status, body, latencyMs };
  }

  async getBatchResult(
    connection: Connection,
    credentials: ConnectionCredentials,
    batchRequestId: string,
  ): Promise<BatchOutcome> {
    const raw = await this.call(
      connection,
      credentials,
      'GET',
      `/product/sellers/${connection.sellerId}/products/batch-requests/${encodeURIComponent(batchRequestId)}`,
      this.options.readTimeoutMs ?? 15_000,
    );
    const outcome = this.classifyBatch(connection, raw);
    // `found` carries no httpStatus in the port; it is only ever built from a 200.
    this.report(
      'batch',
      outcome.kind === 'found'
        ? { kind: outcome.kind, httpStatus: 200, latencyMs: outcome.latencyMs }
        : outcome,
    );
    return outcome;
  }

  private classifyBatch(connection: Connection, raw: Transport): BatchOutcome {
    const common = this.classifyCommon(connection, raw);
    if (common) return common;
    const { status, body, latencyMs } = raw as RawResponse;
    if (status === 404 || status === 410) return { kind: 'gone', httpStatus: status, latencyMs };
    if (status !== 200 || !body || typeof body !== 'object') {
      return { kind: 'server-error', httpStatus: status, body, latencyMs };
    }
    const record = body as Record<string, unknown>;
    const items = Array.isArray(record.items) ? (record.items as BatchResultItem[]) : [];
    return {
      kind: 'found',
      batch: {
        batchRequestId: String(record.batchRequestId ?? ''),
        items: items.filter((i) => i && typeof i.requestItem?.barcode === 'string'),
        raw: record,
      },
      latencyMs,
    };
  }

  async readBack(
    connection: Connection,
    credentials: ConnectionCredentials,
    barcodes: readonly string[],
  ): Promise<ReadBackOutcome> {
    if (barcodes.length > 50) throw new Error('Trendyol reads back at most 50 barcodes per call');
    const query = new URLSearchParams({ barcodes: barcodes.join(','), page: '0', size: '50' });
    const raw = await this.call(
      connection,
      credentials,
      'GET',
      `/product/sellers/${connection.sellerId}/products/approved/inventory-and-price?${query}`,
      this.options.readTimeoutMs ?? 15_000,
    );
    const common = this.classifyCommon(connection, raw);
    if (common) {
      this.report('read-back', common);
      return common;
    }
    const { status, body, latencyMs } = raw as RawResponse;
    if (status !== 200 || !body || typeof body !== 'object') {
      const outcome = { kind: 'server-error', httpStatus: status, body, latencyMs } as const;
      this.report('read-back', outcome);
      return outcome;
    }
    const values: LiveValue[] = [];
    const content = (body as { content?: unknown }).content;
    for (const product of Array.isArray(content) ? content : []) {
      const variants = (product as { variants?: unknown }).variants;
      for (const variant of Array.isArray(variants) ? variants : []) {
        const v = variant as Record<string, unknown>;
        if (typeof v.barcode !== 'string') continue;
        values.push({
          barcode: v.barcode,
          quantity: typeof v.quantity === 'number' ? v.quantity : null,
          salePrice: priceCents(v.salePrice),
          listPrice: priceCents(v.listPrice),
        });
      }
    }
    this.report('read-back', { kind: 'found', httpStatus: 200, latencyMs });
    return { kind: 'found', values, latencyMs };
  }
}
