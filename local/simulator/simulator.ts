import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isManualClock, type SimClock, systemClock } from './clock';
import { centsToNumber, toCents } from './money';
import { mulberry32, uuidV4From } from './prng';
import { RollingWindowLimiter, type WindowRule } from './rate-limiter';
import {
  DEFAULT_SYNC_VALIDATION,
  MAX_QUANTITY,
  parseUpdateBody,
  type RequestItemEcho,
  type SyncValidationOptions,
  type UpdateItem,
} from './validation';

export type { ManualClock, SimClock } from './clock';
export { createManualClock, createOffsetClock, systemClock } from './clock';
export type { SyncValidationOptions, ValidationMode } from './validation';

export const BASE_PATH = '/integration';
export const DUPLICATE_WINDOW_MS = 15 * 60_000;
export const BATCH_RETENTION_MS = 4 * 60 * 60_000;
export const MAX_PRICE_UPDATES_PER_MINUTE = 30;
export const DUPLICATE_REQUEST_MESSAGE = '15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!';

export const FAILURE_REASONS = {
  notFound: 'Ürün sistemde bulunamadı',
  locked: 'Ürün kilitli olduğu için güncellenemez',
  invalidBarcode: 'Barkod formatı geçersiz',
  quantityOverLimit: `Stok adedi ${MAX_QUANTITY}'den büyük olamaz`,
  negativeQuantity: 'Stok adedi negatif olamaz',
  listPriceBelowSalePrice: 'Liste fiyatı satış fiyatından düşük olamaz',
  priceUpdateRate: `Bir barkod için dakikada en fazla ${MAX_PRICE_UPDATES_PER_MINUTE} fiyat güncellemesi yapılabilir`,
} as const;

// Letters, digits and a few separators; anything else (inner spaces included) fails per item.
const BARCODE_FORMAT = /^[A-Za-z0-9._\-/]{1,40}$/;
const USER_AGENT_FORMAT = /^(\d+) - [A-Za-z0-9]{1,30}$/;

export type SellerTier = 350 | 500 | 1000 | 1500 | 2000;
export type SimEndpoint = 'update' | 'batch' | 'readback';
export type ProcessingDelay = number | 'never';

export interface SimProductSeed {
  barcode: string;
  quantity?: number;
  salePrice?: number;
  listPrice?: number;
  stockCode?: string;
  productMainId?: string;
  locked?: boolean;
}

export interface SimSellerConfig {
  sellerId: number;
  apiKey: string;
  apiSecret: string;
  tier?: SellerTier;
  // 'any': every well-formed barcode counts as approved; the product appears on its first successful update.
  approvedBarcodes?: string[] | 'any';
  lockedBarcodes?: string[];
  products?: SimProductSeed[];
}

export interface SimRateLimitOptions {
  enabled?: boolean;
  burstLimit?: number;
  burstWindowMs?: number;
  groupWindowMs?: number;
  // Overrides the seller tier for the write group.
  writePerMinute?: number;
  readPerMinute?: number;
  retryAfter?: boolean;
}

export type SimFault =
  | { endpoint?: SimEndpoint; kind: 'status'; status: 429 | 500 | 502 | 503 | 504 }
  // The batch created by this update never lists its first `count` items (default 1) in its result,
  // although they are applied: "items a batch result never reports".
  | { endpoint?: 'update'; kind: 'omit-from-result'; count?: number }
  // accept: the request is processed (batch created) before the connection is dropped.
  | { endpoint?: SimEndpoint; kind: 'timeout'; ms: number; accept?: boolean }
  | { endpoint?: 'update'; kind: '500-after-accept' }
  // accept (default true): the batch really exists, only its id is missing from the answer.
  | { endpoint?: 'update'; kind: '200-without-batch-id'; accept?: boolean };

export interface SimulatorOptions {
  port?: number;
  host?: string;
  clock?: SimClock;
  seed?: number;
  sellers?: SimSellerConfig[];
  processingDelayMs?: ProcessingDelay;
  strictUserAgent?: boolean;
  syncValidation?: Partial<SyncValidationOptions>;
  rateLimits?: SimRateLimitOptions;
  // How a batch still processing shows its items: no items, or every item IN_PROGRESS.
  inProgressItems?: 'empty' | 'in-progress';
  // Observed: an unknown id answers like a batch still processing. '404' answers batch.request.not.found.
  unknownBatch?: 'processing' | '404';
  batchRetentionMs?: number;
  duplicateWindowMs?: number;
  // HTTP status carrying the 15-minute refusal: reported under 400, 403 and 429. @default 400
  duplicateStatus?: 400 | 403 | 429;
}

export interface SimRequestRecord {
  seq: number;
  at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  endpoint: SimEndpoint | null;
  sellerId: number | null;
  // null: the connection was dropped without an answer (timeout fault).
  status: number | null;
  fault: SimFault['kind'] | null;
  batchRequestId: string | null;
}

export interface SimLiveValue {
  barcode: string;
  quantity: number;
  salePrice: number;
  listPrice: number;
  salePriceCents: number;
  listPriceCents: number;
  locked: boolean;
  stockLastModifiedDate: string | null;
}

export interface SimBatchItemResult {
  requestItem: RequestItemEcho & { updateRequestDate: string };
  status: 'SUCCESS' | 'FAILED' | 'IN_PROGRESS';
  failureReasons: string[];
}

export interface SimBatchView {
  batchRequestId: string;
  sellerId: number;
  createdAt: string;
  dueAt: string | null;
  processedAt: string | null;
  itemCount: number;
  failedItemCount: number;
  items: SimBatchItemResult[];
}

export interface TrendyolSimulator {
  readonly url: string;
  readonly origin: string;
  readonly clock: SimClock;
  readonly requests: readonly SimRequestRecord[];
  close(): Promise<void>;
  addSeller(seller: SimSellerConfig): void;
  setProduct(sellerId: number, product: SimProductSeed): void;
  // Trendyol lowers stock itself when orders arrive.
  placeOrder(sellerId: number, barcode: string, quantity: number): void;
  liveValue(sellerId: number, barcode: string): SimLiveValue | undefined;
  batches(sellerId: number): SimBatchView[];
  batch(batchRequestId: string): SimBatchView | undefined;
  injectFault(fault: SimFault): void;
  clearFaults(): void;
  // The HTTP status the 15-minute refusal comes with (400, 403 or 429 have been reported).
  setDuplicateStatus(status: 400 | 403 | 429): void;
  readonly pendingFaults: readonly SimFault[];
  setProcessingDelay(delay: ProcessingDelay): void;
  // Delays for the next accepted batches, in order; afterwards the default delay applies again.
  setNextBatchDelays(delays: ProcessingDelay[]): void;
  processDue(): number;
  settleAll(): number;
  settleBatch(batchRequestId: string): boolean;
  reset(): void;
}

interface ProductState {
  barcode: string;
  productMainId: string;
  contentId: number;
  stockCode: string;
  quantity: number;
  salePriceCents: number;
  listPriceCents: number;
  locked: boolean;
  stockLastModifiedMs: number | null;
}

interface SellerState {
  config: SimSellerConfig;
  products: Map<string, ProductState>;
  // Request times of applied price updates per barcode, for the 30-per-minute rule.
  priceUpdates: Map<string, number[]>;
  // sha256 of the raw body -> time it was last accepted.
  acceptedBodies: Map<string, number>;
}

interface BatchState {
  id: string;
  seq: number;
  sellerId: number;
  createdAtMs: number;
  dueAtMs: number;
  processedAtMs: number | null;
  items: UpdateItem[];
  results: SimBatchItemResult[] | null;
}

interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  contentType?: string;
  batchRequestId?: string;
}

interface Route {
  endpoint: SimEndpoint;
  method: 'GET' | 'POST';
  sellerId: number;
  batchRequestId?: string;
}

function errorBody(key: string, message: string, status: number): unknown {
  return { errors: [{ key, message, errorCode: String(status) }] };
}

function json(status: number, body: unknown, extra: Partial<SimResponse> = {}): SimResponse {
  return { status, body, ...extra };
}

const SYSTEM_EXCEPTION = {
  exception: 'TrendyolSystemException',
  errors: [{ key: 'generic.exception', message: 'Beklenmeyen bir hata oluştu', errorCode: '500' }],
};

function faultResponse(status: 429 | 500 | 502 | 503 | 504): SimResponse {
  if (status === 429) return json(429, errorBody('too.many.requests', 'Too many requests', 429));
  if (status === 500) return json(500, SYSTEM_EXCEPTION);
  const reason = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[
    status
  ];
  // Gateways in front of Trendyol answer these with HTML, not JSON.
  return {
    status,
    contentType: 'text/html',
    body: `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center></body></html>`,
  };
}

function matchRoute(pathname: string): Omit<Route, 'method'> | undefined {
  if (!pathname.startsWith(`${BASE_PATH}/`)) return undefined;
  const rest = pathname.slice(BASE_PATH.length);
  let m = /^\/inventory\/sellers\/(\d+)\/products\/price-and-inventory$/.exec(rest);
  if (m) return { endpoint: 'update', sellerId: Number(m[1]) };
  m = /^\/product\/sellers\/(\d+)\/products\/batch-requests\/([^/]+)$/.exec(rest);
  if (m) return { endpoint: 'batch', sellerId: Number(m[1]), batchRequestId: decodeURIComponent(m[2] ?? '') };
  m = /^\/product\/sellers\/(\d+)\/products\/approved\/inventory-and-price$/.exec(rest);
  if (m) return { endpoint: 'readback', sellerId: Number(m[1]) };
  return undefined;
}

const ENDPOINT_METHOD: Record<SimEndpoint, 'GET' | 'POST'> = {
  update: 'POST',
  batch: 'GET',
  readback: 'GET',
};

function normalizeDelay(delay: ProcessingDelay): number {
  if (delay === 'never' || !Number.isFinite(delay)) return Number.POSITIVE_INFINITY;
  return Math.max(0, delay);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseFault(value: unknown): SimFault | string {
  if (!isRecord(value)) return 'fault must be an object';
  const endpoint = value.endpoint;
  if (endpoint !== undefined && endpoint !== 'update' && endpoint !== 'batch' && endpoint !== 'readback') {
    return 'endpoint must be update, batch or readback';
  }
  const accept = typeof value.accept === 'boolean' ? value.accept : undefined;
  switch (value.kind) {
    case 'status': {
      const status = value.status;
      if (status !== 429 && status !== 500 && status !== 502 && status !== 503 && status !== 504)
        return 'status must be 429|500|502|503|504';
      return { endpoint, kind: 'status', status };
    }
    case 'timeout': {
      const ms = value.ms;
      if (typeof ms !== 'number' || ms < 0) return 'ms must be a non-negative number';
      return accept === undefined
        ? { endpoint, kind: 'timeout', ms }
        : { endpoint, kind: 'timeout', ms, accept };
    }
    case 'omit-from-result': {
      const count = value.count;
      if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1))
        return 'count must be a positive integer';
      return count === undefined ? { kind: 'omit-from-result' } : { kind: 'omit-from-result', count };
    }
    case '500-after-accept':
      if (endpoint !== undefined && endpoint !== 'update') return '500-after-accept only applies to update';
      return { kind: '500-after-accept' };
    case '200-without-batch-id':
      if (endpoint !== undefined && endpoint !== 'update')
        return '200-without-batch-id only applies to update';
      return accept === undefined
        ? { kind: '200-without-batch-id' }
        : { kind: '200-without-batch-id', accept };
    default:
      return 'kind must be status, timeout, 500-after-accept or 200-without-batch-id';
  }
}

function parseDelay(value: unknown): ProcessingDelay | undefined {
  if (value === 'never' || value === null) return 'never';
  if (typeof value === 'number' && value >= 0) return value;
  return undefined;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function createTrendyolSimulator(options: SimulatorOptions = {}): Promise<TrendyolSimulator> {
  const clock = options.clock ?? systemClock;
  const random = mulberry32(options.seed ?? Date.now());
  const strictUserAgent = options.strictUserAgent ?? true;
  const syncModes: SyncValidationOptions = { ...DEFAULT_SYNC_VALIDATION, ...options.syncValidation };
  const inProgressItems = options.inProgressItems ?? 'empty';
  const unknownBatch = options.unknownBatch ?? 'processing';
  const retentionMs = options.batchRetentionMs ?? BATCH_RETENTION_MS;
  const duplicateWindowMs = options.duplicateWindowMs ?? DUPLICATE_WINDOW_MS;
  let duplicateStatus: 400 | 403 | 429 = options.duplicateStatus ?? 400;
  // Batch ids whose result hides their first N items (omit-from-result fault).
  const omittedFromResult = new Map<string, number>();
  const rate = {
    enabled: options.rateLimits?.enabled ?? true,
    burstLimit: options.rateLimits?.burstLimit ?? 50,
    burstWindowMs: options.rateLimits?.burstWindowMs ?? 10_000,
    groupWindowMs: options.rateLimits?.groupWindowMs ?? 60_000,
    writePerMinute: options.rateLimits?.writePerMinute,
    readPerMinute: options.rateLimits?.readPerMinute ?? 1000,
    retryAfter: options.rateLimits?.retryAfter ?? false,
  };

  const sellerConfigs = new Map<number, SimSellerConfig>();
  const sellers = new Map<number, SellerState>();
  const batches = new Map<string, BatchState>();
  const requests: SimRequestRecord[] = [];
  const faults: SimFault[] = [];
  const limiter = new RollingWindowLimiter();
  let defaultDelay = normalizeDelay(options.processingDelayMs ?? 1500);
  let nextDelays: number[] = [];
  let batchSeq = 0;
  let requestSeq = 0;
  let contentSeq = 0;

  const nowMs = (): number => clock.now().getTime();

  function newProduct(seed: SimProductSeed): ProductState {
    contentSeq += 1;
    return {
      barcode: seed.barcode,
      productMainId: seed.productMainId ?? seed.barcode,
      contentId: 100_000_000 + contentSeq,
      stockCode: seed.stockCode ?? seed.barcode,
      quantity: seed.quantity ?? 0,
      salePriceCents: toCents(seed.salePrice ?? 0) ?? 0,
      listPriceCents: toCents(seed.listPrice ?? seed.salePrice ?? 0) ?? 0,
      locked: seed.locked ?? false,
      stockLastModifiedMs: null,
    };
  }

  function buildSeller(config: SimSellerConfig): SellerState {
    const state: SellerState = {
      config,
      products: new Map(),
      priceUpdates: new Map(),
      acceptedBodies: new Map(),
    };
    if (Array.isArray(config.approvedBarcodes)) {
      for (const barcode of config.approvedBarcodes) state.products.set(barcode, newProduct({ barcode }));
    }
    for (const seed of config.products ?? []) state.products.set(seed.barcode, newProduct(seed));
    for (const barcode of config.lockedBarcodes ?? []) {
      const product = state.products.get(barcode) ?? newProduct({ barcode });
      product.locked = true;
      state.products.set(barcode, product);
    }
    return state;
  }

  function addSeller(config: SimSellerConfig): void {
    sellerConfigs.set(config.sellerId, config);
    sellers.set(config.sellerId, buildSeller(config));
  }

  function sellerOrThrow(sellerId: number): SellerState {
    const seller = sellers.get(sellerId);
    if (!seller) throw new Error(`Unknown seller ${sellerId}`);
    return seller;
  }

  for (const config of options.sellers ?? []) addSeller(config);

  function processItem(seller: SellerState, item: UpdateItem, requestedAtMs: number, processedAtMs: number) {
    if (!BARCODE_FORMAT.test(item.barcode)) return [FAILURE_REASONS.invalidBarcode];
    let product = seller.products.get(item.barcode);
    const isNew = product === undefined;
    if (!product) {
      if (seller.config.approvedBarcodes !== 'any') return [FAILURE_REASONS.notFound];
      product = newProduct({
        barcode: item.barcode,
        salePrice: centsToNumber(item.salePriceCents ?? item.listPriceCents ?? 0),
        listPrice: centsToNumber(item.listPriceCents ?? item.salePriceCents ?? 0),
      });
    }
    const reasons: string[] = [];
    if (product.locked) reasons.push(FAILURE_REASONS.locked);
    if (item.quantity !== undefined && item.quantity > MAX_QUANTITY)
      reasons.push(FAILURE_REASONS.quantityOverLimit);
    if (item.quantity !== undefined && item.quantity < 0) reasons.push(FAILURE_REASONS.negativeQuantity);
    if (
      item.salePriceCents !== undefined &&
      item.listPriceCents !== undefined &&
      item.listPriceCents < item.salePriceCents
    ) {
      reasons.push(FAILURE_REASONS.listPriceBelowSalePrice);
    }
    const isPriceUpdate = item.salePriceCents !== undefined || item.listPriceCents !== undefined;
    const priceTimes = seller.priceUpdates.get(item.barcode) ?? [];
    if (isPriceUpdate) {
      const inWindow = priceTimes.filter((t) => t > requestedAtMs - 60_000 && t <= requestedAtMs).length;
      if (inWindow >= MAX_PRICE_UPDATES_PER_MINUTE) reasons.push(FAILURE_REASONS.priceUpdateRate);
    }
    if (reasons.length > 0) return reasons;
    if (item.quantity !== undefined) {
      product.quantity = item.quantity;
      product.stockLastModifiedMs = processedAtMs;
    }
    if (item.salePriceCents !== undefined) product.salePriceCents = item.salePriceCents;
    if (item.listPriceCents !== undefined) product.listPriceCents = item.listPriceCents;
    if (isPriceUpdate) {
      priceTimes.push(requestedAtMs);
      seller.priceUpdates.set(item.barcode, priceTimes);
    }
    if (isNew) seller.products.set(item.barcode, product);
    return [];
  }

  function processBatch(batch: BatchState, processedAtMs: number): void {
    const seller = sellers.get(batch.sellerId);
    const updateRequestDate = new Date(batch.createdAtMs).toISOString();
    batch.results = batch.items.map((item) => {
      const reasons = seller
        ? processItem(seller, item, batch.createdAtMs, processedAtMs)
        : [FAILURE_REASONS.notFound];
      return {
        requestItem: { ...item.echo, updateRequestDate },
        status: reasons.length === 0 ? 'SUCCESS' : 'FAILED',
        failureReasons: reasons,
      };
    });
    batch.processedAtMs = processedAtMs;
  }

  // Processing is evaluated lazily against the clock on every request, so a fake clock needs no timers.
  function settle(filter: (batch: BatchState) => boolean, at: (batch: BatchState) => number): number {
    const pending = [...batches.values()]
      .filter((b) => b.processedAtMs === null && filter(b))
      .sort((a, b) => a.dueAtMs - b.dueAtMs || a.seq - b.seq);
    for (const batch of pending) processBatch(batch, at(batch));
    return pending.length;
  }

  function processDue(): number {
    const now = nowMs();
    return settle(
      (b) => b.dueAtMs <= now,
      (b) => b.dueAtMs,
    );
  }

  function settleAll(): number {
    const now = nowMs();
    return settle(
      () => true,
      (b) => Math.min(b.dueAtMs, now),
    );
  }

  function batchView(batch: BatchState): SimBatchView {
    const items = batch.results ?? [];
    return {
      batchRequestId: batch.id,
      sellerId: batch.sellerId,
      createdAt: new Date(batch.createdAtMs).toISOString(),
      dueAt: Number.isFinite(batch.dueAtMs) ? new Date(batch.dueAtMs).toISOString() : null,
      processedAt: batch.processedAtMs === null ? null : new Date(batch.processedAtMs).toISOString(),
      itemCount: batch.items.length,
      failedItemCount: items.filter((i) => i.status === 'FAILED').length,
      items,
    };
  }

  function liveValue(sellerId: number, barcode: string): SimLiveValue | undefined {
    processDue();
    const product = sellers.get(sellerId)?.products.get(barcode);
    if (!product) return undefined;
    return {
      barcode,
      quantity: product.quantity,
      salePrice: centsToNumber(product.salePriceCents),
      listPrice: centsToNumber(product.listPriceCents),
      salePriceCents: product.salePriceCents,
      listPriceCents: product.listPriceCents,
      locked: product.locked,
      stockLastModifiedDate:
        product.stockLastModifiedMs === null ? null : new Date(product.stockLastModifiedMs).toISOString(),
    };
  }

  // ---- endpoint handlers -------------------------------------------------------------------------

  function authenticate(req: IncomingMessage, route: Route): SimResponse | undefined {
    const seller = sellers.get(route.sellerId);
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : '';
    if (!seller || decoded !== `${seller.config.apiKey}:${seller.config.apiSecret}`) {
      return json(401, { exception: 'ClientApiAuthenticationException' });
    }
    const userAgent = req.headers['user-agent'];
    if (userAgent === undefined || userAgent.trim() === '') {
      return json(403, errorBody('user.agent.required', 'User-Agent header is required', 403));
    }
    if (strictUserAgent) {
      const ua = USER_AGENT_FORMAT.exec(userAgent);
      if (!ua || Number(ua[1]) !== route.sellerId) {
        return json(
          403,
          errorBody('user.agent.invalid', 'User-Agent must be "{sellerId} - {IntegratorName}"', 403),
        );
      }
    }
    return undefined;
  }

  function checkRateLimit(route: Route): SimResponse | undefined {
    if (!rate.enabled) return undefined;
    const seller = sellerOrThrow(route.sellerId);
    const group = route.endpoint === 'update' ? 'write' : 'read';
    const groupLimit =
      group === 'write' ? (rate.writePerMinute ?? seller.config.tier ?? 350) : rate.readPerMinute;
    const rules: WindowRule[] = [
      {
        key: `burst:${route.sellerId}:${route.endpoint}`,
        limit: rate.burstLimit,
        windowMs: rate.burstWindowMs,
      },
      { key: `group:${route.sellerId}:${group}`, limit: groupLimit, windowMs: rate.groupWindowMs },
    ];
    const decision = limiter.take(rules, nowMs());
    if (decision.ok) return undefined;
    const headers: Record<string, string> = rate.retryAfter
      ? { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) }
      : {};
    return json(429, errorBody('too.many.requests', 'Too many requests', 429), { headers });
  }

  function handleUpdate(req: IncomingMessage, route: Route, raw: Buffer): SimResponse {
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    // Reality: non-JSON bodies (form-encoded) blow up inside Trendyol with a 500, not a 400/415.
    if (!/^application\/json\s*(;|$)/.test(contentType)) return json(500, SYSTEM_EXCEPTION);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return json(400, errorBody('request.body.invalid', 'Request body is not valid JSON', 400));
    }
    const result = parseUpdateBody(parsed, syncModes);
    if (!result.ok) return json(400, errorBody(result.error.key, result.error.message, 400));
    const seller = sellerOrThrow(route.sellerId);
    const now = nowMs();
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const lastAccepted = seller.acceptedBodies.get(bodyHash);
    if (lastAccepted !== undefined && now - lastAccepted < duplicateWindowMs) {
      return json(
        duplicateStatus,
        errorBody('request.duplicate', DUPLICATE_REQUEST_MESSAGE, duplicateStatus),
      );
    }
    seller.acceptedBodies.set(bodyHash, now);
    const id = `${uuidV4From(random)}-${Math.floor(now / 1000)}`;
    batchSeq += 1;
    const delay = nextDelays.length > 0 ? (nextDelays.shift() ?? defaultDelay) : defaultDelay;
    const batch: BatchState = {
      id,
      seq: batchSeq,
      sellerId: route.sellerId,
      createdAtMs: now,
      dueAtMs: now + delay,
      processedAtMs: null,
      items: result.items,
      results: null,
    };
    batches.set(id, batch);
    if (delay === 0) processBatch(batch, now);
    return json(200, { batchRequestId: id }, { batchRequestId: id });
  }

  function handleBatch(route: Route): SimResponse {
    const id = route.batchRequestId ?? '';
    const batch = batches.get(id);
    const now = nowMs();
    const notFound = json(
      404,
      errorBody('batch.request.not.found', `${id} id'li batch request bulunamadı`, 404),
    );
    if (!batch || batch.sellerId !== route.sellerId) {
      if (unknownBatch === '404') return notFound;
      return json(200, {
        batchRequestId: id,
        items: [],
        creationDate: now,
        lastModification: now,
        sourceType: 'API',
        itemCount: 0,
        failedItemCount: 0,
        batchRequestType: 'ProductInventoryUpdate',
      });
    }
    if (now - batch.createdAtMs >= retentionMs) return notFound;
    const updateRequestDate = new Date(batch.createdAtMs).toISOString();
    const items: SimBatchItemResult[] =
      batch.results ??
      (inProgressItems === 'empty'
        ? []
        : batch.items.map((item) => ({
            requestItem: { ...item.echo, updateRequestDate },
            status: 'IN_PROGRESS' as const,
            failureReasons: [],
          })));
    const omitted = omittedFromResult.get(batch.id) ?? 0;
    const omittedBarcodes = new Set(batch.items.slice(0, omitted).map((i) => i.echo.barcode));
    const listed = omitted > 0 ? items.filter((i) => !omittedBarcodes.has(i.requestItem.barcode)) : items;
    return json(200, {
      batchRequestId: batch.id,
      items: listed,
      creationDate: batch.createdAtMs,
      lastModification: batch.processedAtMs ?? batch.createdAtMs,
      sourceType: 'API',
      itemCount: batch.items.length,
      failedItemCount: items.filter((i) => i.status === 'FAILED').length,
      batchRequestType: 'ProductInventoryUpdate',
    });
  }

  function handleReadback(route: Route, query: URLSearchParams): SimResponse {
    const bad = (message: string) => json(400, errorBody('request.param.invalid', message, 400));
    const barcodesParam = query.get('barcodes');
    const barcodes =
      barcodesParam === null
        ? undefined
        : barcodesParam
            .split(',')
            .map((b) => b.trim())
            .filter((b) => b !== '');
    if (barcodes && barcodes.length > 50) return bad('barcodes en fazla 50 adet olabilir');
    const intParam = (name: string, fallback: number): number | undefined => {
      const value = query.get(name);
      if (value === null || value === '') return fallback;
      return /^\d+$/.test(value) ? Number(value) : undefined;
    };
    const page = intParam('page', 0);
    const size = intParam('size', 50);
    if (page === undefined || size === undefined || size < 1) return bad('page and size must be integers');
    if (size > 100) return bad('size en fazla 100 olabilir');
    if (page * size > 10_000) return bad('page × size 10000 değerini aşamaz; nextPageToken kullanın');
    const status = query.get('status');
    const seller = sellerOrThrow(route.sellerId);
    let products = [...seller.products.values()];
    if (barcodes) {
      const wanted = new Set(barcodes);
      products = products.filter((p) => wanted.has(p.barcode));
    }
    if (status === 'locked') products = products.filter((p) => p.locked);
    if (status === 'onSale') products = products.filter((p) => !p.locked && p.quantity > 0);
    if (status === 'notOnSale') products = products.filter((p) => !p.locked && p.quantity === 0);
    if (status === 'archived' || status === 'blacklisted') products = [];
    const groups = new Map<string, ProductState[]>();
    for (const product of products) {
      const group = groups.get(product.productMainId) ?? [];
      group.push(product);
      groups.set(product.productMainId, group);
    }
    const contents = [...groups.values()].map((variants) => ({
      contentId: variants[0]?.contentId ?? 0,
      productMainId: variants[0]?.productMainId ?? '',
      variants: variants.map((p) => ({
        barcode: p.barcode,
        salePrice: centsToNumber(p.salePriceCents),
        listPrice: centsToNumber(p.listPriceCents),
        quantity: p.quantity,
        stockCode: p.stockCode,
        stockLastModifiedDate: p.stockLastModifiedMs,
      })),
    }));
    return json(200, {
      totalElements: contents.length,
      totalPages: Math.ceil(contents.length / size),
      page,
      size,
      nextPageToken: null,
      content: contents.slice(page * size, page * size + size),
    });
  }

  // ---- HTTP plumbing ----------------------------------------------------------------------------

  const heldTimers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  function send(res: ServerResponse, record: SimRequestRecord | undefined, response: SimResponse): void {
    if (record) {
      record.status = response.status;
      if (response.batchRequestId) record.batchRequestId = response.batchRequestId;
    }
    const isText = typeof response.body === 'string';
    const payload = isText ? String(response.body) : JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': `${response.contentType ?? (isText ? 'text/plain' : 'application/json')}; charset=utf-8`,
      ...response.headers,
    });
    res.end(payload);
  }

  function hold(req: IncomingMessage, ms: number): void {
    const timer = setTimeout(() => {
      heldTimers.delete(timer);
      req.socket.destroy();
    }, ms);
    heldTimers.add(timer);
  }

  function takeFault(endpoint: SimEndpoint): SimFault | undefined {
    const index = faults.findIndex((fault) => {
      const target =
        fault.endpoint ?? (fault.kind === 'status' || fault.kind === 'timeout' ? undefined : 'update');
      return target === undefined || target === endpoint;
    });
    if (index < 0) return undefined;
    return faults.splice(index, 1)[0];
  }

  function dispatch(req: IncomingMessage, route: Route, raw: Buffer, query: URLSearchParams): SimResponse {
    const denied = authenticate(req, route) ?? checkRateLimit(route);
    if (denied) return denied;
    if (route.endpoint === 'update') return handleUpdate(req, route, raw);
    if (route.endpoint === 'batch') return handleBatch(route);
    return handleReadback(route, query);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    processDue();
    const method = req.method ?? 'GET';
    requestSeq += 1;
    const record: SimRequestRecord = {
      seq: requestSeq,
      at: clock.now().toISOString(),
      method,
      path: `${url.pathname}${url.search}`,
      headers: headerRecord(req),
      body: raw.toString('utf8'),
      endpoint: null,
      sellerId: null,
      status: null,
      fault: null,
      batchRequestId: null,
    };
    requests.push(record);
    const matched = matchRoute(url.pathname);
    if (!matched) return send(res, record, json(404, errorBody('not.found', 'Not Found', 404)));
    record.endpoint = matched.endpoint;
    record.sellerId = matched.sellerId;
    const expected = ENDPOINT_METHOD[matched.endpoint];
    if (method !== expected) {
      return send(
        res,
        record,
        json(405, errorBody('method.not.allowed', `Method ${method} not allowed`, 405), {
          headers: { allow: expected },
        }),
      );
    }
    const route: Route = { ...matched, method: expected };
    const fault = takeFault(route.endpoint);
    record.fault = fault?.kind ?? null;
    if (fault?.kind === 'status') return send(res, record, faultResponse(fault.status));
    if (fault?.kind === 'timeout') {
      if (fault.accept) {
        const swallowed = dispatch(req, route, raw, url.searchParams);
        if (swallowed.batchRequestId) record.batchRequestId = swallowed.batchRequestId;
      }
      return hold(req, fault.ms);
    }
    if (fault?.kind === '200-without-batch-id' && fault.accept === false)
      return send(res, record, json(200, {}));
    const response = dispatch(req, route, raw, url.searchParams);
    if (fault?.kind === 'omit-from-result' && response.batchRequestId) {
      omittedFromResult.set(response.batchRequestId, fault.count ?? 1);
    }
    if (response.status === 200 && response.batchRequestId) {
      if (fault?.kind === '500-after-accept') {
        record.batchRequestId = response.batchRequestId;
        return send(res, record, json(500, SYSTEM_EXCEPTION));
      }
      if (fault?.kind === '200-without-batch-id') {
        record.batchRequestId = response.batchRequestId;
        return send(res, record, json(200, {}));
      }
    }
    return send(res, record, response);
  }

  // ---- /__sim/ inspection and control over HTTP, for out-of-process clients ----------------------

  function handleControl(req: IncomingMessage, url: URL, raw: Buffer): SimResponse {
    const method = req.method ?? 'GET';
    const path = url.pathname.slice('/__sim'.length);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return json(400, { error: 'body must be JSON' });
      }
    }
    const b = isRecord(body) ? body : {};
    if (method === 'GET' && path === '/requests') return json(200, requests);
    if (method === 'DELETE' && path === '/requests') {
      requests.length = 0;
      return json(200, { ok: true });
    }
    if (method === 'GET' && path === '/clock') return json(200, { now: clock.now().toISOString() });
    if (method === 'POST' && path === '/clock') {
      if (!isManualClock(clock)) return json(409, { error: 'the simulator clock cannot be moved' });
      if (typeof b.advanceMs === 'number') clock.advance(b.advanceMs);
      else if (typeof b.set === 'string' || typeof b.set === 'number') clock.set(new Date(b.set));
      else return json(400, { error: 'expected {advanceMs} or {set}' });
      return json(200, { now: clock.now().toISOString() });
    }
    let m = /^\/live\/(\d+)\/(.+)$/.exec(path);
    if (method === 'GET' && m) {
      const value = liveValue(Number(m[1]), decodeURIComponent(m[2] ?? ''));
      return value ? json(200, value) : json(404, { error: 'no such product' });
    }
    m = /^\/batches\/(\d+)$/.exec(path);
    if (method === 'GET' && m) return json(200, api.batches(Number(m[1])));
    if (path === '/faults') {
      if (method === 'GET') return json(200, faults);
      if (method === 'DELETE') {
        faults.length = 0;
        return json(200, { ok: true });
      }
      if (method === 'POST') {
        const list = Array.isArray(body) ? body : [body];
        const parsed = list.map(parseFault);
        const problem = parsed.find((p): p is string => typeof p === 'string');
        if (problem) return json(400, { error: problem });
        for (const fault of parsed) if (typeof fault !== 'string') faults.push(fault);
        return json(200, { queued: faults.length });
      }
    }
    if (method === 'POST' && path === '/reset') {
      api.reset();
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/settle') return json(200, { settled: settleAll() });
    if (method === 'POST' && path === '/processing-delay') {
      const delay = parseDelay(b.ms);
      if (delay === undefined) return json(400, { error: 'expected {ms: number | "never"}' });
      defaultDelay = normalizeDelay(delay);
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/next-batch-delays') {
      const delays = Array.isArray(b.delays) ? b.delays.map(parseDelay) : [undefined];
      if (delays.some((d) => d === undefined)) return json(400, { error: 'expected {delays: [...]}' });
      api.setNextBatchDelays(delays.filter((d): d is ProcessingDelay => d !== undefined));
      return json(200, { ok: true });
    }
    if (method === 'POST' && path === '/sellers') {
      if (typeof b.sellerId !== 'number' || typeof b.apiKey !== 'string' || typeof b.apiSecret !== 'string') {
        return json(400, { error: 'expected {sellerId, apiKey, apiSecret, ...}' });
      }
      addSeller(b as unknown as SimSellerConfig);
      return json(200, { ok: true });
    }
    m = /^\/products\/(\d+)$/.exec(path);
    if ((method === 'PUT' || method === 'POST') && m) {
      if (typeof b.barcode !== 'string') return json(400, { error: 'expected {barcode, ...}' });
      try {
        api.setProduct(Number(m[1]), b as unknown as SimProductSeed);
      } catch (error) {
        return json(404, { error: error instanceof Error ? error.message : String(error) });
      }
      return json(200, { ok: true });
    }
    return json(404, { error: 'unknown control route' });
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const url = new URL(req.url ?? '/', 'http://simulator.local');
        if (url.pathname === '/__sim' || url.pathname.startsWith('/__sim/')) {
          return send(res, undefined, handleControl(req, url, raw));
        }
        return handleApi(req, res, url, raw);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, undefined, json(500, SYSTEM_EXCEPTION));
        console.error('trendyol simulator: unexpected error', error);
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;

  const api: TrendyolSimulator = {
    url: `${origin}${BASE_PATH}`,
    origin,
    clock,
    get requests() {
      return requests;
    },
    get pendingFaults() {
      return faults;
    },
    async close() {
      for (const timer of heldTimers) clearTimeout(timer);
      heldTimers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addSeller,
    setProduct(sellerId, seed) {
      const seller = sellerOrThrow(sellerId);
      const existing = seller.products.get(seed.barcode);
      if (!existing) {
        seller.products.set(seed.barcode, newProduct(seed));
        return;
      }
      if (seed.quantity !== undefined) {
        existing.quantity = seed.quantity;
        existing.stockLastModifiedMs = nowMs();
      }
      if (seed.salePrice !== undefined)
        existing.salePriceCents = toCents(seed.salePrice) ?? existing.salePriceCents;
      if (seed.listPrice !== undefined)
        existing.listPriceCents = toCents(seed.listPrice) ?? existing.listPriceCents;
      if (seed.locked !== undefined) existing.locked = seed.locked;
      if (seed.stockCode !== undefined) existing.stockCode = seed.stockCode;
    },
    placeOrder(sellerId, barcode, quantity) {
      processDue();
      const product = sellerOrThrow(sellerId).products.get(barcode);
      if (!product) throw new Error(`Unknown barcode ${barcode} for seller ${sellerId}`);
      product.quantity = Math.max(0, product.quantity - quantity);
      product.stockLastModifiedMs = nowMs();
    },
    liveValue,
    batches(sellerId) {
      processDue();
      return [...batches.values()].filter((b) => b.sellerId === sellerId).map(batchView);
    },
    batch(batchRequestId) {
      processDue();
      const batch = batches.get(batchRequestId);
      return batch ? batchView(batch) : undefined;
    },
    injectFault(fault) {
      faults.push(fault);
    },
    setDuplicateStatus(status) {
      duplicateStatus = status;
    },
    clearFaults() {
      faults.length = 0;
    },
    setProcessingDelay(delay) {
      defaultDelay = normalizeDelay(delay);
    },
    setNextBatchDelays(delays) {
      nextDelays = delays.map(normalizeDelay);
    },
    processDue,
    settleAll,
    settleBatch(batchRequestId) {
      const now = nowMs();
      return (
        settle(
          (b) => b.id === batchRequestId,
          () => now,
        ) > 0
      );
    },
    reset() {
      requests.length = 0;
      faults.length = 0;
      batches.clear();
      limiter.reset();
      nextDelays = [];
      defaultDelay = normalizeDelay(options.processingDelayMs ?? 1500);
      for (const [sellerId, config] of sellerConfigs) sellers.set(sellerId, buildSeller(config));
    },
  };
  return api;
}
