import { request } from 'node:http';
import { createManualClock, type ManualClock } from '../../../local/simulator/clock';
import {
  createTrendyolSimulator,
  type SimulatorOptions,
  type TrendyolSimulator,
} from '../../../local/simulator/simulator';

export const SELLER_ID = 200001;
export const API_KEY = 'key-200001';
export const API_SECRET = 'secret-200001';
export const START = Date.UTC(2026, 9, 1, 10, 0, 0);

export interface SimCall {
  method?: string;
  headers?: Record<string, string | undefined>;
  body?: unknown;
  rawBody?: string;
}

export interface SimAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface Harness {
  sim: TrendyolSimulator;
  clock: ManualClock;
  call(path: string, init?: SimCall): Promise<SimAnswer>;
  update(items: unknown[], init?: SimCall): Promise<SimAnswer>;
  batch(batchRequestId: string, init?: SimCall): Promise<SimAnswer>;
  readback(query?: string, init?: SimCall): Promise<SimAnswer>;
}

export function basicAuth(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

export function defaultHeaders(sellerId = SELLER_ID): Record<string, string> {
  return {
    authorization: basicAuth(API_KEY, API_SECRET),
    'user-agent': `${sellerId} - SelfIntegration`,
    'content-type': 'application/json',
  };
}

export async function startSim(overrides: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const clock = createManualClock(START);
  const sim = await createTrendyolSimulator({
    clock,
    seed: 42,
    processingDelayMs: 2000,
    sellers: [
      {
        sellerId: SELLER_ID,
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        tier: 350,
        approvedBarcodes: ['BC-1', 'BC-2', 'BC-3'],
        lockedBarcodes: ['LOCKED-1'],
        products: [
          { barcode: 'SEEDED', quantity: 7, salePrice: 100, listPrice: 120, productMainId: 'MAIN-1' },
        ],
      },
    ],
    ...overrides,
  });

  async function call(path: string, init: SimCall = {}): Promise<SimAnswer> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...defaultHeaders(), ...init.headers })) {
      if (value !== undefined) headers[name] = value;
    }
    const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    // fetch always adds `User-Agent: node`; a truly missing header needs node:http.
    if (headers['user-agent'] === undefined)
      return rawCall(`${sim.url}${path}`, init.method ?? 'GET', headers, body);
    const res = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  return {
    sim,
    clock,
    call,
    update: (items, init = {}) =>
      call(`/inventory/sellers/${SELLER_ID}/products/price-and-inventory`, {
        method: 'POST',
        body: { items },
        ...init,
      }),
    batch: (id, init = {}) => call(`/product/sellers/${SELLER_ID}/products/batch-requests/${id}`, init),
    readback: (query = '', init = {}) =>
      call(`/product/sellers/${SELLER_ID}/products/approved/inventory-and-price${query}`, init),
  };
}

export function batchIdOf(answer: SimAnswer): string {
  const body = answer.json as { batchRequestId?: unknown } | undefined;
  if (typeof body?.batchRequestId !== 'string') {
    throw new Error(`expected a batchRequestId, got ${answer.status} ${answer.text}`);
  }
  return body.batchRequestId;
}

export function firstError(answer: SimAnswer): { key: string; message: string; errorCode: string } {
  const body = answer.json as { errors?: Array<{ key: string; message: string; errorCode: string }> };
  const first = body.errors?.[0];
  if (!first) throw new Error(`expected an errors envelope, got ${answer.text}`);
  return first;
}

function rawCall(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<SimAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
