// In-memory fakes of the ports the confirmation use cases depend on: fast use-case tests without a
// database, queue or HTTP. They keep the rules the use cases rely on (push order by seq, a settled
// confirmation recorded once, intents moving with their job); the Postgres contract tests prove the
// real repositories keep the same rules.
import type { ProductVariant } from '../../../lambdas/domain/catalog';
import { type ConnectionSettings, withDefaults } from '../../../lambdas/domain/connection-settings';
import type { KnownValue } from '../../../lambdas/domain/diff';
import type { HeldValue } from '../../../lambdas/domain/guards';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';
import type { Cents } from '../../../lambdas/domain/money';
import type { CatalogRepository, DriftRecord, StoredHold } from '../../../lambdas/ports/catalog';
import type { ChunkMessage, ChunkQueue } from '../../../lambdas/ports/chunk-queue';
import type { ConfirmationInput, ConfirmationWorkflow } from '../../../lambdas/ports/confirmation-workflow';
import type { DedupClaim, DedupRecord, DedupStore } from '../../../lambdas/ports/dedup-store';
import type {
  BatchOutcome,
  LiveValue,
  MarketplaceClient,
  ReadBackOutcome,
  UpdateOutcome,
} from '../../../lambdas/ports/marketplace';
import type {
  AttemptStart,
  BarcodeState,
  BatchResultInput,
  Connection,
  ConnectionRepository,
  ConnectionState,
  InventoryRepository,
  Job,
  JobRepository,
  NewPushJob,
  PushState,
} from '../../../lambdas/ports/repositories';

export class ManualClock {
  constructor(private ms: number) {}
  now = () => new Date(this.ms);
  advance(ms: number) {
    this.ms += ms;
  }
}

export class MemoryConnections implements ConnectionRepository {
  rows = new Map<string, Connection>();
  states = new Map<string, ConnectionState>();
  async create(c: Omit<Connection, 'createdAt' | 'updatedAt'>, now: Date) {
    const row = { ...c, createdAt: now.toISOString(), updatedAt: now.toISOString() };
    this.rows.set(c.id, row);
    return row;
  }
  async list() {
    return [...this.rows.values()];
  }
  async get(id: string) {
    return this.rows.get(id);
  }
  async update(id: string, patch: Partial<Connection>, now: Date) {
    const row = this.rows.get(id);
    if (!row) return undefined;
    const next = { ...row, ...patch, updatedAt: now.toISOString() };
    this.rows.set(id, next);
    return next;
  }
  async getState(id: string) {
    return this.states.get(id);
  }
  async updateState(id: string, patch: Partial<Omit<ConnectionState, 'updatedAt'>>, now: Date) {
    const prev: ConnectionState = this.states.get(id) ?? {
      lastAttemptAt: null,
      lastSuccessAt: null,
      lastStatus: 'IDLE',
      lastJobId: null,
      lastError: null,
      updatedAt: now.toISOString(),
    };
    this.states.set(id, { ...prev, ...patch, updatedAt: now.toISOString() });
  }
}

interface Intent extends KnownValue {
  seq: number;
  acceptedAt: string;
}

export class MemoryStore implements JobRepository, InventoryRepository {
  jobs = new Map<string, Job>();
  intents = new Map<string, Intent>();
  confirmed = new Map<
    string,
    { value: LiveValue; seq: number; batchRequestId: string; confirmedAt: string }
  >();
  history: Array<{ barcode: string; event: string; jobId: string }> = [];
  /** Price sends per barcode (epoch ms, newest 30), recorded with the intents as the database does. */
  priceSends = new Map<string, number[]>();
  private seq = 0;
  private key = (connectionId: string, barcode: string) => `${connectionId}|${barcode}`;
  /** The connections whose row startAttempt returns and whose state recordAccepted writes, as PostgreSQL does. */
  constructor(private readonly connections?: MemoryConnections) {}

  // ---- JobRepository
  async get(id: string) {
    const job = this.jobs.get(id);
    return job && structuredClone(job);
  }
  async latestForConnection(connectionId: string) {
    return [...this.jobs.values()].filter((j) => j.connectionId === connectionId).at(-1);
  }
  async createPushJobs(newJobs: NewPushJob[], now: Date) {
    const at = now.toISOString();
    const out: Job[] = [];
    for (const n of newJobs) {
      this.seq += 1;
      const job: Job = {
        id: n.id,
        type: 'TRENDYOL_PUSH_PRICE_STOCK',
        status: n.status,
        attempts: 0,
        connectionId: n.connectionId,
        pushId: n.pushId,
        chunkIndex: n.chunkIndex,
        itemCount: n.items.length,
        bodyHash: n.bodyHash,
        body: n.body,
        items: n.items,
        options: n.options,
        seq: this.seq,
        batchRequestId: null,
        summary: null,
        error: null,
        notBefore: n.notBefore?.toISOString() ?? null,
        confirmation: null,
        confirmationCounts: null,
        settledAt: null,
        startedAt: null,
        finishedAt: null,
        createdAt: at,
        updatedAt: at,
      };
      this.jobs.set(job.id, job);
      if (n.recordsIntent) {
        for (const item of n.items) {
          const k = this.key(n.connectionId, item.barcode);
          const prev = this.intents.get(k);
          this.intents.set(k, {
            barcode: item.barcode,
            quantity: item.quantity ?? prev?.quantity ?? null,
            salePrice: item.salePrice ?? prev?.salePrice ?? null,
            listPrice: item.listPrice ?? prev?.listPrice ?? null,
            status: 'pending',
            jobId: job.id,
            seq: job.seq,
            acceptedAt: at,
          });
          this.history.push({ barcode: item.barcode, event: 'pushed', jobId: job.id });
          if (item.salePrice !== undefined || item.listPrice !== undefined) {
            this.priceSends.set(k, [...(this.priceSends.get(k) ?? []), now.getTime()].slice(-30));
          }
        }
      }
      out.push(structuredClone(job));
    }
    return out;
  }
  private patch(id: string, patch: Partial<Job>, now: Date) {
    const job = this.jobs.get(id);
    if (job) this.jobs.set(id, { ...job, ...patch, updatedAt: now.toISOString() });
    return job;
  }
  private finished(id: string) {
    const s = this.jobs.get(id)?.status;
    return s === 'success' || s === 'failed';
  }
  async startAttempt(id: string, now: Date): Promise<AttemptStart> {
    const job = this.jobs.get(id);
    if (!job) return { before: undefined, job: undefined };
    const { status, attempts, updatedAt, notBefore } = job;
    const before = { status, attempts, updatedAt, notBefore };
    if (this.finished(id) || status === 'scheduled') return { before, job: undefined };
    this.patch(
      id,
      { status: 'running', attempts: job.attempts + 1, startedAt: job.startedAt ?? now.toISOString() },
      now,
    );
    return { before, job: await this.get(id), connection: await this.connections?.get(job.connectionId) };
  }
  async requeue(id: string, error: Job['error'], now: Date) {
    if (!this.finished(id)) this.patch(id, { status: 'queued', error }, now);
  }
  private moveIntents(job: Job, from: string[], to: KnownValue['status']) {
    for (const item of job.items) {
      const intent = this.intents.get(this.key(job.connectionId, item.barcode));
      if (intent?.jobId === job.id && from.includes(intent.status)) intent.status = to;
    }
  }
  async recordAccepted(id: string, batchRequestId: string, summary: Record<string, unknown>, now: Date) {
    const job = this.jobs.get(id);
    if (!job) return;
    this.patch(id, { batchRequestId, summary, confirmation: job.confirmation ?? 'pending' }, now);
    this.moveIntents(job, ['pending'], 'sent');
    if (await this.connections?.get(job.connectionId)) {
      await this.connections?.updateState(
        job.connectionId,
        { lastStatus: 'SUCCESS', lastError: null, lastJobId: id },
        now,
      );
    }
  }
  async finish(
    id: string,
    outcome: { status: 'success' | 'failed'; summary: Record<string, unknown>; error: Job['error'] },
    now: Date,
  ) {
    const job = this.jobs.get(id);
    if (!job) return;
    const settled = job.confirmation !== null && job.confirmation !== 'pending';
    this.patch(
      id,
      {
        status: outcome.status,
        summary: { ...(job.summary ?? {}), ...outcome.summary },
        error: outcome.error,
        finishedAt: now.toISOString(),
        ...(outcome.status === 'failed' &&
          !settled && {
            confirmation: 'failed' as const,
            confirmationCounts: { confirmed: 0, failed: job.itemCount, unresolved: 0 },
            settledAt: now.toISOString(),
          }),
      },
      now,
    );
    if (outcome.status === 'failed') this.moveIntents(job, ['pending', 'sent'], 'failed');
  }
  async recordSettlement(
    id: string,
    s: {
      confirmation: Exclude<Job['confirmation'], null | 'pending'>;
      counts: NonNullable<Job['confirmationCounts']>;
      summary: Record<string, unknown>;
    },
    now: Date,
  ) {
    const job = this.jobs.get(id);
    if (!job || (job.confirmation !== null && job.confirmation !== 'pending')) return false;
    this.patch(
      id,
      {
        confirmation: s.confirmation,
        confirmationCounts: s.counts,
        settledAt: now.toISOString(),
        summary: { ...(job.summary ?? {}), ...s.summary },
      },
      now,
    );
    return true;
  }
  async mergeSummary(id: string, patch: Record<string, unknown>, now: Date) {
    const job = this.jobs.get(id);
    if (job) this.patch(id, { summary: { ...(job.summary ?? {}), ...patch } }, now);
  }
  async reschedule(id: string, notBefore: Date, error: Job['error'], now: Date) {
    const job = this.jobs.get(id);
    if (!job || this.finished(id)) return;
    const sent = job.batchRequestId !== null || job.attempts > 0;
    this.patch(
      id,
      {
        status: 'scheduled',
        notBefore: notBefore.toISOString(),
        error,
        confirmation: sent ? (job.confirmation ?? 'pending') : job.confirmation,
      },
      now,
    );
  }
  async listDueScheduled(now: Date, limit: number) {
    return [...this.jobs.values()]
      .filter(
        (j) => j.status === 'scheduled' && j.notBefore !== null && Date.parse(j.notBefore) <= now.getTime(),
      )
      .sort((a, b) => Date.parse(a.notBefore ?? '') - Date.parse(b.notBefore ?? '') || a.seq - b.seq)
      .slice(0, limit)
      .map((j) => structuredClone(j));
  }
  async releaseScheduled(
    id: string,
    chunk: { items: InventoryItem[]; body: string; bodyHash: string },
    now: Date,
  ) {
    if (this.jobs.get(id)?.status !== 'scheduled') return;
    this.patch(
      id,
      {
        status: 'queued',
        items: chunk.items,
        itemCount: chunk.items.length,
        body: chunk.body,
        bodyHash: chunk.bodyHash,
      },
      now,
    );
  }
  async findByBatchRequestId(batchRequestId: string) {
    return [...this.jobs.values()].find((j) => j.batchRequestId === batchRequestId);
  }
  async listUnfinished(limit: number) {
    return [...this.jobs.values()]
      .filter((j) => j.status === 'queued' || j.status === 'running')
      .slice(0, limit);
  }

  // ---- InventoryRepository
  async findKnownValues(connectionId: string, barcodes: readonly string[]) {
    const out = new Map<string, KnownValue>();
    for (const b of barcodes) {
      const intent = this.intents.get(this.key(connectionId, b));
      if (intent) {
        const { seq: _seq, ...known } = intent;
        out.set(b, { ...known });
      }
    }
    return out;
  }
  async findPushState(connectionId: string, barcodes: readonly string[]): Promise<PushState> {
    const confirmedSalePrice = new Map<string, Cents | null>();
    const priceSends = new Map<string, number[]>();
    for (const b of barcodes) {
      const c = this.confirmed.get(this.key(connectionId, b));
      if (c) confirmedSalePrice.set(b, (c.value.salePrice ?? null) as Cents | null);
      const sends = this.priceSends.get(this.key(connectionId, b));
      if (sends) priceSends.set(b, [...sends]);
    }
    return { known: await this.findKnownValues(connectionId, barcodes), confirmedSalePrice, priceSends };
  }
  async applyBatchResult(input: BatchResultInput, now: Date) {
    const job = this.jobs.get(input.jobId);
    if (!job || job.connectionId !== input.connectionId) {
      throw new Error(`job ${input.jobId} of connection ${input.connectionId} not found`);
    }
    let confirmedUpserted = 0;
    let failed = 0;
    const raced: string[] = [];
    const overtaken: string[] = [];
    for (const r of input.results) {
      const k = this.key(input.connectionId, r.barcode);
      const intent = this.intents.get(k);
      const item = job.items.find((i) => i.barcode === r.barcode);
      if (r.status === 'SUCCESS' && item) {
        const prev = this.confirmed.get(k);
        // Another batch's confirmed value, as it was before this apply (what the race checks need).
        const other = prev && prev.batchRequestId !== input.batchRequestId ? prev : undefined;
        if (other && input.submittedAt && Date.parse(other.confirmedAt) >= input.submittedAt.getTime()) {
          raced.push(r.barcode);
        }
        if (!prev || prev.seq < job.seq) {
          this.confirmed.set(k, {
            value: {
              barcode: r.barcode,
              quantity: item.quantity ?? prev?.value.quantity ?? null,
              salePrice: item.salePrice ?? prev?.value.salePrice ?? null,
              listPrice: item.listPrice ?? prev?.value.listPrice ?? null,
            },
            seq: job.seq,
            batchRequestId: input.batchRequestId,
            confirmedAt: now.toISOString(),
          });
          confirmedUpserted += 1;
        } else if (other) overtaken.push(r.barcode);
        if (intent?.jobId === job.id) intent.status = 'confirmed';
      } else if (r.status === 'FAILED') {
        failed += 1;
        if (intent?.jobId === input.jobId) intent.status = 'failed';
      }
      this.history.push({
        barcode: r.barcode,
        event: r.status === 'SUCCESS' ? 'confirmed' : 'failed',
        jobId: input.jobId,
      });
    }
    return { confirmedUpserted, failed, raced: raced.sort(), overtaken: overtaken.sort() };
  }
  async markDrifted(connectionId: string, barcodes: readonly string[]) {
    let moved = 0;
    for (const b of barcodes) {
      const intent = this.intents.get(this.key(connectionId, b));
      if (intent?.status === 'confirmed') {
        intent.status = 'failed';
        moved += 1;
      }
    }
    return moved;
  }
  async getBarcodeStates(connectionId: string, barcodes: readonly string[]): Promise<BarcodeState[]> {
    return barcodes.map((barcode) => {
      const k = this.key(connectionId, barcode);
      const c = this.confirmed.get(k);
      const i = this.intents.get(k);
      return {
        barcode,
        confirmed: c ? { ...c.value, batchRequestId: c.batchRequestId, confirmedAt: c.confirmedAt } : null,
        inFlight: i
          ? {
              barcode,
              quantity: i.quantity,
              salePrice: i.salePrice,
              listPrice: i.listPrice,
              status: i.status,
              jobId: i.jobId,
              acceptedAt: i.acceptedAt,
            }
          : null,
        history: [],
      };
    });
  }
  async listFailedIntents(connectionId: string, limit: number) {
    return [...this.intents.entries()]
      .filter(([k, v]) => k.startsWith(`${connectionId}|`) && v.status === 'failed')
      .slice(0, limit)
      .map(([, v]) => v);
  }
  async listBarcodes(connectionId: string) {
    return [...this.intents.keys()]
      .filter((k) => k.startsWith(`${connectionId}|`))
      .map((k) => k.split('|')[1] ?? '');
  }
}

export class MemoryDedup implements DedupStore {
  records = new Map<string, DedupRecord>();
  // Atomic like DynamoDB's conditional put: no await between the check and the write.
  async claim(input: {
    connectionId: string;
    bodyHash: string;
    jobId: string;
    now: Date;
    windowMs: number;
  }): Promise<DedupClaim> {
    const key = `${input.connectionId}|${input.bodyHash}`;
    const existing = this.records.get(key);
    if (existing && existing.expiresAt.getTime() > input.now.getTime()) return { claimed: false, existing };
    const record = {
      connectionId: input.connectionId,
      bodyHash: input.bodyHash,
      jobId: input.jobId,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.windowMs),
    };
    this.records.set(key, record);
    return { claimed: true, record };
  }
  async find(connectionId: string, bodyHash: string, now: Date) {
    const r = this.records.get(`${connectionId}|${bodyHash}`);
    return r && r.expiresAt.getTime() > now.getTime() ? r : undefined;
  }
  async release(connectionId: string, bodyHash: string, jobId: string) {
    const k = `${connectionId}|${bodyHash}`;
    if (this.records.get(k)?.jobId === jobId) this.records.delete(k);
  }
}

export class MemoryQueue implements ChunkQueue {
  sent: ChunkMessage[] = [];
  async send(messages: ChunkMessage[]) {
    this.sent.push(...messages);
  }
}

export class MemoryWorkflow implements ConfirmationWorkflow {
  started: ConfirmationInput[] = [];
  async start(input: ConfirmationInput) {
    this.started.push(input);
  }
}

/**
 * A scripted Trendyol: each update takes the next scripted answer (default: accepted, applied to
 * `live` at once); `live` is what read-back returns; `batches` what batch results return.
 */
export class ScriptedMarketplace implements MarketplaceClient {
  updates: string[] = [];
  readBacks: string[][] = [];
  script: Array<UpdateOutcome | ((body: string) => UpdateOutcome)> = [];
  live = new Map<string, LiveValue>();
  batches = new Map<string, BatchOutcome>();
  private n = 0;

  apply(body: string) {
    for (const item of (JSON.parse(body) as { items: Array<Record<string, number | string>> }).items) {
      const barcode = String(item.barcode);
      const prev = this.live.get(barcode);
      this.live.set(barcode, {
        barcode,
        quantity: typeof item.quantity === 'number' ? item.quantity : (prev?.quantity ?? null),
        salePrice:
          typeof item.salePrice === 'number' ? Math.round(item.salePrice * 100) : (prev?.salePrice ?? null),
        listPrice:
          typeof item.listPrice === 'number' ? Math.round(item.listPrice * 100) : (prev?.listPrice ?? null),
      });
    }
  }
  async updatePriceAndInventory(_c: Connection, _k: unknown, body: string): Promise<UpdateOutcome> {
    this.updates.push(body);
    const next = this.script.shift();
    if (next) return typeof next === 'function' ? next(body) : next;
    this.n += 1;
    this.apply(body);
    return { kind: 'accepted', batchRequestId: `batch-${this.n}`, httpStatus: 200, latencyMs: 1 };
  }
  async getBatchResult(_c: Connection, _k: unknown, id: string): Promise<BatchOutcome> {
    return this.batches.get(id) ?? { kind: 'gone', httpStatus: 404, latencyMs: 1 };
  }
  async readBack(_c: Connection, _k: unknown, barcodes: readonly string[]): Promise<ReadBackOutcome> {
    this.readBacks.push([...barcodes]);
    return {
      kind: 'found',
      values: barcodes.flatMap((b) => {
        const v = this.live.get(b);
        return v ? [v] : [];
      }),
      latencyMs: 1,
    };
  }
}

export const CONNECTION: Connection = {
  id: 'conn-1',
  type: 'trendyol',
  name: 'test',
  sellerId: 1001,
  baseUrl: 'https://apigw.trendyol.com/integration',
  integratorName: 'ECI',
  secretRef: 'secret-1',
  status: 'active',
  writeRateLimitPerMinute: 1000,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** Everything consumeChunk, pollBatch, pushInventory and releaseScheduledJobs need, in memory. */
export async function memoryPorts(startMs = Date.UTC(2026, 2, 2, 10)) {
  const clock = new ManualClock(startMs);
  const connections = new MemoryConnections();
  await connections.create(CONNECTION, clock.now());
  const store = new MemoryStore(connections);
  const sleeps: number[] = [];
  let ids = 0;
  return {
    clock,
    connections,
    jobs: store,
    inventory: store,
    store,
    catalog: new MemoryCatalog(store),
    dedup: new MemoryDedup(),
    queue: new MemoryQueue(),
    workflow: new MemoryWorkflow(),
    marketplace: new ScriptedMarketplace(),
    secrets: {
      put: async () => 'secret-1',
      get: async () => ({ apiKey: 'k', apiSecret: 's' }),
      delete: async () => undefined,
    },
    rateLimiter: { acquire: async () => ({ granted: true as const }) },
    ids: {
      next: () => {
        ids += 1;
        return `id-${ids}`;
      },
    },
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    writeEnabledEnv: true,
    forceWriteAllowed: true,
  };
}

/**
 * The catalog and guard state in memory (issue 11's CatalogRepository): settings over the defaults,
 * holds, per-barcode price sends and the variants. Confirmed sale prices come from the shared
 * {@link MemoryStore}, so the price guard compares with what Trendyol confirmed, as in PostgreSQL.
 */
export class MemoryCatalog implements CatalogRepository {
  settings = new Map<string, Partial<ConnectionSettings>>();
  holds = new Map<string, StoredHold>();
  variants = new Map<string, ProductVariant>();
  drift = new Map<string, DriftRecord>();
  cursors = new Map<string, string | null>();

  constructor(private readonly store: MemoryStore) {}

  private key = (connectionId: string, barcode: string) => `${connectionId}|${barcode}`;
  private ofConnection<T>(map: Map<string, T>, connectionId: string): Array<[string, T]> {
    return [...map.entries()]
      .filter(([k]) => k.startsWith(`${connectionId}|`))
      .map(([k, v]) => [k.slice(connectionId.length + 1), v] as [string, T])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async upsertVariants(connectionId: string, variants: readonly InventoryItem[], now: Date) {
    let changed = 0;
    for (const v of variants) {
      const k = this.key(connectionId, v.barcode);
      const prev = this.variants.get(k);
      const next: ProductVariant = {
        barcode: v.barcode,
        quantity: v.quantity ?? prev?.quantity ?? null,
        salePrice: v.salePrice ?? prev?.salePrice ?? null,
        listPrice: v.listPrice ?? prev?.listPrice ?? null,
        updatedAt: now.toISOString(),
      };
      if (
        !prev ||
        prev.quantity !== next.quantity ||
        prev.salePrice !== next.salePrice ||
        prev.listPrice !== next.listPrice
      ) {
        this.variants.set(k, next);
        changed += 1;
      }
    }
    return changed;
  }
  async listVariants(connectionId: string, o: { after: string | null; barcode?: string; limit: number }) {
    return this.ofConnection(this.variants, connectionId)
      .filter(([b]) => (o.after === null || b > o.after) && (o.barcode === undefined || b === o.barcode))
      .slice(0, o.limit)
      .map(([, v]) => v);
  }
  async getVariants(connectionId: string, barcodes: readonly string[]) {
    const out = new Map<string, ProductVariant>();
    for (const b of barcodes) {
      const v = this.variants.get(this.key(connectionId, b));
      if (v) out.set(b, v);
    }
    return out;
  }
  async getSettings(connectionId: string) {
    return withDefaults(this.settings.get(connectionId));
  }
  async saveSettings(connectionId: string, patch: Partial<ConnectionSettings>, _now: Date) {
    this.settings.set(connectionId, { ...this.settings.get(connectionId), ...patch });
    return this.getSettings(connectionId);
  }
  async saveHolds(connectionId: string, holds: readonly HeldValue[], _pushId: string, now: Date) {
    for (const h of holds) {
      this.holds.set(this.key(connectionId, h.barcode), {
        barcode: h.barcode,
        salePrice: h.salePrice ?? null,
        listPrice: h.listPrice ?? null,
        reason: h.reason,
        message: h.message,
        referenceSalePrice: h.referenceSalePrice,
        retryAt: h.retryAtMs === null ? null : new Date(h.retryAtMs).toISOString(),
        heldAt: now.toISOString(),
      });
    }
  }
  async recordApprovals(_connectionId: string, items: readonly InventoryItem[], pushId: string, _now: Date) {
    for (const i of items) this.store.history.push({ barcode: i.barcode, event: 'approved', jobId: pushId });
  }
  async clearHolds(connectionId: string, barcodes: readonly string[]) {
    let n = 0;
    for (const b of barcodes) if (this.holds.delete(this.key(connectionId, b))) n += 1;
    return n;
  }
  async countHolds(connectionId: string) {
    return this.ofConnection(this.holds, connectionId).length;
  }
  async listHolds(
    connectionId: string,
    o: { kind?: 'guard' | 'budget'; barcodes?: readonly string[]; after: string | null; limit: number },
  ) {
    return this.ofConnection(this.holds, connectionId)
      .map(([, h]) => h)
      .filter(
        (h) =>
          (o.after === null || h.barcode > o.after) &&
          (o.barcodes === undefined || o.barcodes.includes(h.barcode)) &&
          (o.kind === undefined || (o.kind === 'budget') === (h.reason === 'PRICE_BUDGET')),
      )
      .slice(0, o.limit);
  }
  async listConfirmed(connectionId: string, after: string | null, limit: number) {
    return this.ofConnection(this.store.confirmed, connectionId)
      .filter(([b]) => after === null || b > after)
      .slice(0, limit)
      .map(([barcode, c]) => ({
        barcode,
        quantity: c.value.quantity,
        salePrice: c.value.salePrice as Cents | null,
        listPrice: c.value.listPrice as Cents | null,
      }));
  }
  async getReconcileCursor(connectionId: string) {
    return this.cursors.get(connectionId) ?? null;
  }
  async setReconcileCursor(connectionId: string, after: string | null, _now: Date) {
    this.cursors.set(connectionId, after);
  }
  async saveDrift(connectionId: string, checked: readonly string[], found: readonly DriftRecord[]) {
    for (const b of checked) this.drift.delete(this.key(connectionId, b));
    for (const d of found) this.drift.set(this.key(connectionId, d.barcode), d);
  }
  async listDrift(connectionId: string, after: string | null, limit: number) {
    return this.ofConnection(this.drift, connectionId)
      .filter(([b]) => after === null || b > after)
      .slice(0, limit)
      .map(([, d]) => d);
  }
  async driftSummary(connectionId: string) {
    const rows = this.ofConnection(this.drift, connectionId).map(([, d]) => d);
    return {
      count: rows.length,
      price: rows.filter((d) => d.kind === 'price').length,
      stock: rows.filter((d) => d.kind === 'stock').length,
      lastDetectedAt:
        rows
          .map((d) => d.detectedAt)
          .sort()
          .at(-1) ?? null,
    };
  }
}
