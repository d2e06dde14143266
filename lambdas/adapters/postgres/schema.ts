import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { IntentStatus } from '../../domain/diff';
import type { InventoryItem } from '../../domain/inventory-item';
import type { JobConfirmation } from '../../domain/job-confirmation';
import type {
  ConnectionLastStatus,
  ConnectionStatus,
  HistoryEvent,
  JobError,
  JobOptions,
  JobStatus,
} from '../../ports/repositories';

// Timestamps stay strings end to end: Drizzle's Data API driver mishandles Date values for timestamptz,
// and the ports speak ISO strings anyway (see toIso in rows.ts for the normalisation on the way out).
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
// numeric(12,2) comes back as text from every driver, so money never passes through a binary float.
const money = (name: string) => numeric(name, { precision: 12, scale: 2 });

/** Acceptance order of pushes; drawn with nextval() inside the insert so it works over the Data API. */
export const jobSeq = pgSequence('job_seq');

export const connections = pgTable('connections', {
  id: text('id').primaryKey(),
  type: text('type').$type<'trendyol'>().notNull(),
  name: text('name').notNull(),
  sellerId: bigint('seller_id', { mode: 'number' }).notNull(),
  baseUrl: text('base_url').notNull(),
  integratorName: text('integrator_name'),
  secretRef: text('secret_ref').notNull(),
  status: text('status').$type<ConnectionStatus>().notNull(),
  writeRateLimitPerMinute: integer('write_rate_limit_per_minute').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const connectionState = pgTable('connection_state', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  lastAttemptAt: ts('last_attempt_at'),
  lastSuccessAt: ts('last_success_at'),
  lastStatus: text('last_status').$type<ConnectionLastStatus>().notNull().default('IDLE'),
  lastJobId: text('last_job_id'),
  lastError: text('last_error'),
  updatedAt: ts('updated_at').notNull(),
});

export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    type: text('type').$type<'TRENDYOL_PUSH_PRICE_STOCK'>().notNull(),
    status: text('status').$type<JobStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    pushId: text('push_id').notNull(),
    chunkIndex: integer('chunk_index').notNull(),
    itemCount: integer('item_count').notNull(),
    bodyHash: text('body_hash').notNull(),
    body: text('body').notNull(),
    items: jsonb('items').$type<InventoryItem[]>().notNull(),
    options: jsonb('options').$type<JobOptions>().notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull().default(sql`nextval('job_seq')`),
    /**
     * Whether the job's items became its barcodes' intents (false for a dry run or a push whose writes
     * were gated off): only then are they `pushed` entries in the barcodes' timelines, and only then
     * do later events (sent, failed, confirmed) get history rows (migration 0008).
     */
    recordsIntent: boolean('records_intent').notNull().default(true),
    batchRequestId: text('batch_request_id'),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    error: jsonb('error').$type<JobError>(),
    notBefore: ts('not_before'),
    // What became of the values (job-confirmation.ts); recorded once when the batch settles.
    confirmation: text('confirmation').$type<JobConfirmation>(),
    confirmedCount: integer('confirmed_count'),
    failedCount: integer('failed_count'),
    unresolvedCount: integer('unresolved_count'),
    settledAt: ts('settled_at'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('jobs_connection_id_created_at_idx').on(t.connectionId, t.createdAt.desc()),
    index('jobs_batch_request_id_idx').on(t.batchRequestId),
    index('jobs_status_not_before_idx').on(t.status, t.notBefore),
    // GET /v1/pushes/:pushId reads a push's chunks; the job and push lists page by seq per connection.
    index('jobs_push_id_chunk_index_idx').on(t.pushId, t.chunkIndex),
    index('jobs_connection_id_seq_idx').on(t.connectionId, t.seq.desc()),
  ],
);

/** What Trendyol confirmed per barcode; the table name and its indexes are the seed's. */
export const inventoryConfirmedState = pgTable(
  'inventory_confirmed_state',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    barcode: text('barcode').notNull(),
    quantity: integer('quantity'),
    salePrice: money('sale_price'),
    listPrice: money('list_price'),
    batchRequestId: text('batch_request_id').notNull(),
    confirmedAt: ts('confirmed_at').notNull(),
    // Seq of the job that set each field group: an older batch settling late must not win.
    quantitySeq: bigint('quantity_seq', { mode: 'number' }),
    priceSeq: bigint('price_seq', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.barcode] }),
    index('inventory_confirmed_state_connectionId_idx').on(t.connectionId),
    index('inventory_confirmed_state_barcode_idx').on(t.barcode),
  ],
);

/**
 * The tables a push writes one row per item into (intents, history) have no foreign
 * keys: PostgreSQL checks a foreign key with one trigger query per inserted row, which cost more than
 * the rows themselves (50,000 items: ~4.5 s of a ~8 s push on PGlite). Their references hold by
 * construction: rows are written only in the transaction that inserts their job, for the connection
 * the push just read, and ECI deletes neither connections nor jobs.
 */
export const BULK_TABLES_WITHOUT_FOREIGN_KEYS = ['inventory_intent', 'inventory_item_history'] as const;

/** The latest value ECI accepted per barcode (the value in flight until it is confirmed or failed). */
export const inventoryIntent = pgTable(
  'inventory_intent',
  {
    // No foreign keys on this table (migration 0005): see BULK_TABLES_WITHOUT_FOREIGN_KEYS.
    connectionId: text('connection_id').notNull(),
    barcode: text('barcode').notNull(),
    quantity: integer('quantity'),
    salePrice: money('sale_price'),
    listPrice: money('list_price'),
    status: text('status').$type<IntentStatus>().notNull(),
    jobId: text('job_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    acceptedAt: ts('accepted_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    /**
     * When the barcode's recent price updates were accepted for sending (epoch ms, newest 30 kept),
     * for Trendyol's 30-per-minute rule. Written by the push's intent upsert itself (migration 0006
     * moved it here from the former price_send table), so the budget costs no write of its own.
     */
    priceSentAt: jsonb('price_sent_at').$type<number[]>(),
    /**
     * The intent this row's last push replaced (`{job_id, status, quantity, sale_price, list_price}`,
     * prices in lira), or NULL when that push replaced nothing. A scratch value of the push's own
     * statement (migration 0008): ON CONFLICT DO UPDATE reads the row version it locked, so the push
     * records what it superseded even when a concurrent push committed that value after the push's
     * snapshot was taken, which a read of the snapshot would miss. Nothing else reads it.
     */
    replaced: jsonb('replaced').$type<Record<string, unknown>>(),
  },
  (t) => [
    // A job's intents (moved together: sent, confirmed, failed) are found by primary key from the
    // job's items, not by an index on job_id (dropped in migration 0007): every push writes one
    // intent per item, and that index cost a 50,000-item push ~100 ms (PGlite).
    primaryKey({ columns: [t.connectionId, t.barcode] }),
  ],
);

export const inventoryItemHistory = pgTable(
  'inventory_item_history',
  {
    // Drawn from the jobs' sequence (migration 0008), so history ids and job seqs are one order: a
    // push writes no `pushed` row per item, and a timeline shows a job's `pushed` entry, read from the
    // job's items, at the job's seq (see pushedEntries). Not a primary key (migration 0007): nothing
    // looks a row up by id alone (timelines page by (connection_id, barcode, id), a job's rows are
    // found by job id). A `pushed` row that is written (see recordIntents) takes its job's seq as id.
    id: bigint('id', { mode: 'number' }).notNull().default(sql`nextval('job_seq')`),
    // No foreign key (migration 0005): see BULK_TABLES_WITHOUT_FOREIGN_KEYS.
    connectionId: text('connection_id').notNull(),
    barcode: text('barcode').notNull(),
    event: text('event').$type<HistoryEvent>().notNull(),
    jobId: text('job_id').notNull(),
    batchRequestId: text('batch_request_id'),
    quantity: integer('quantity'),
    salePrice: money('sale_price'),
    listPrice: money('list_price'),
    failureReasons: jsonb('failure_reasons').$type<string[]>(),
    at: ts('at').notNull(),
  },
  (t) => [
    index('inventory_item_history_barcode_idx').on(t.connectionId, t.barcode, t.id.desc()),
    // One entry per job, event and barcode: re-applying a batch result or a redelivered message
    // inserts with ON CONFLICT DO NOTHING instead of duplicating history. `pushed` rows are left out
    // (migration 0007): only the push's own statement writes them, once per barcode of a job created
    // in the same transaction, so nothing can repeat them; they are a push's bulk (one per item).
    uniqueIndex('inventory_item_history_job_event_barcode_uq')
      .on(t.jobId, t.event, t.barcode)
      .where(sql`${t.event} <> 'pushed'`),
    // The `pushed` rows that are written (before migration 0008 every push wrote one per item; now
    // only a push that lost a race or a narrowed scheduled job does), probed per job and barcode so a
    // timeline never shows one twice (see pushedEntries).
    index('inventory_item_history_pushed_job_barcode_idx')
      .on(t.jobId, t.barcode)
      .where(sql`${t.event} = 'pushed'`),
  ],
);

/** The seller's catalog per connection (the seed's ProductVariant): what Trendyol should show. */
export const productVariant = pgTable(
  'product_variant',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    barcode: text('barcode').notNull(),
    quantity: integer('quantity'),
    salePrice: money('sale_price'),
    listPrice: money('list_price'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.barcode] })],
);

/** Catalog/guard settings per connection (keys never written take their documented defaults). */
export const connectionSettings = pgTable('connection_settings', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  /** Last barcode the drift reconciliation read back; the next run continues after it. */
  reconcileAfter: text('reconcile_after'),
  updatedAt: ts('updated_at').notNull(),
});

/** Price values kept back per barcode: by the price guard (until approved) or the per-barcode budget. */
export const inventoryHold = pgTable(
  'inventory_hold',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    barcode: text('barcode').notNull(),
    salePrice: money('sale_price'),
    listPrice: money('list_price'),
    reason: text('reason').notNull(),
    message: text('message').notNull(),
    referenceSalePrice: money('reference_sale_price'),
    retryAt: ts('retry_at'),
    heldAt: ts('held_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.barcode] })],
);

/** Live values read back from Trendyol that differ from what it confirmed. */
export const inventoryDrift = pgTable(
  'inventory_drift',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    barcode: text('barcode').notNull(),
    kind: text('kind').notNull(),
    confirmedQuantity: integer('confirmed_quantity'),
    confirmedSalePrice: money('confirmed_sale_price'),
    confirmedListPrice: money('confirmed_list_price'),
    liveQuantity: integer('live_quantity'),
    liveSalePrice: money('live_sale_price'),
    liveListPrice: money('live_list_price'),
    action: text('action').notNull(),
    detectedAt: ts('detected_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.barcode] })],
);

export const schema = {
  jobSeq,
  connections,
  connectionState,
  jobs,
  inventoryConfirmedState,
  inventoryIntent,
  inventoryItemHistory,
  productVariant,
  connectionSettings,
  inventoryHold,
  inventoryDrift,
};
export type Schema = typeof schema;
