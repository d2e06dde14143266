import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { forbiddenAddressReason, isInternalHost, TRENDYOL_HOSTS } from '../../domain/base-url';
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
  /**
   * Resolves a custom (non-Trendyol) host name to its addresses before a call, so a name that points
   * at a metadata or link-local address is refused too. Injected for tests. @default dns.lookup (all)
   */
  lookup?: (hostname: string) => Promise<string[]>;
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

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|EPROTO$|HOSTNAME_MISMATCH)/;

/**
 * Says what went wrong below HTTP, from the error fetch (undici) throws and its `cause`:
 * `ENOTFOUND api.example (DNS lookup failed)`, `connection refused by 127.0.0.1:22 (ECONNREFUSED)`,
 * `TLS error: CERT_HAS_EXPIRED …`, `connection reset (ECONNRESET)`. Never includes headers or credentials.
 */
export function describeTransportError(error: unknown, url: URL): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const c = (cause ?? {}) as {
    code?: unknown;
    message?: unknown;
    hostname?: unknown;
    address?: unknown;
    port?: unknown;
  };
  const code = typeof c.code === 'string' ? c.code : '';
  const where = `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `${code} ${typeof c.hostname === 'string' ? c.hostname : url.hostname} (DNS lookup failed)`;
  }
  if (code === 'ECONNREFUSED') return `connection refused by ${where} (ECONNREFUSED)`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection to ${where} reset (${code})`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return `connecting to ${where} timed out (${code})`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${where} is unreachable (${code})`;
  if (TLS_CODES.test(code)) {
    return `TLS error talking to ${where}: ${code}${typeof c.message === 'string' ? ` (${c.message})` : ''}`;
  }
  const message = typeof c.message === 'string' ? c.message : String(cause);
  return `${code ? `${code}: ` : ''}${message} (${where})`;
}

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
    const url = new URL(`${connection.baseUrl}${path}`);
    // Checked on every call, not only when the connection was created: rows written before the rule, or
    // edited by hand, must not reach a metadata or link-local address either.
    const forbidden = await this.forbiddenTarget(url.hostname);
    if (forbidden) return { networkError: `not called: ${forbidden}`, latencyMs: 0 };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: authorization(credentials),
          'user-agent': userAgentFor(connection),
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body }),
        signal: controller.signal,
        // Never follow a redirect: it would carry the Basic credentials (and a POST body) to wherever
        // the far end points, which is the SSRF a base URL rule exists to prevent.
        redirect: 'manual',
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        return {
          networkError: `HTTP ${response.status} redirect${location ? ` to ${location.slice(0, 200)}` : ''} not followed (Trendyol calls never follow redirects)`,
          latencyMs: Date.now() - started,
        };
      }
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
      return { networkError: describeTransportError(error, url), latencyMs };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Why a host must not be called: a forbidden literal or name, or (for custom host names) a name that
   * resolves to a forbidden, loopback or private address. A loopback or private target is only ever
   * called by its literal address, which the stage's base-URL rule allowed when the connection was
   * saved (the local simulator's `127.0.0.1:port`); a name (`localhost.`, `vm`, a rebinding DNS name)
   * that resolves there is refused, so a connection cannot reach ECI itself or scan local ports.
   * Trendyol's own hosts are not resolved twice. A name that does not resolve is left to fetch, which
   * then reports ENOTFOUND.
   */
  private async forbiddenTarget(hostname: string): Promise<string | undefined> {
    const direct = forbiddenAddressReason(hostname);
    if (direct || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 || TRENDYOL_HOSTS.has(hostname)) return direct;
    const resolve =
      this.options.lookup ??
      (async (name: string) => (await dnsLookup(name, { all: true })).map((entry) => entry.address));
    const addresses = await resolve(hostname).catch(() => [] as string[]);
    for (const address of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason) return `${hostname} resolves to ${reason}`;
      if (isInternalHost(address))
        return `${hostname} resolves to the loopback or private address ${address}`;
    }
    return undefined;
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
