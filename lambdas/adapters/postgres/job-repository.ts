import { and, asc, desc, eq, getTableColumns, isNull, lte, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { PRICE_UPDATES_PER_BARCODE } from '../../domain/guards';
import type { InventoryItem } from '../../domain/inventory-item';
import type { ConfirmationCounts, JobConfirmation } from '../../domain/job-confirmation';
import {
  type AttemptStart,
  type Connection,
  type Job,
  type JobError,
  type JobRepository,
  type NewPushJob,
  PUSH_JOB_TYPE,
} from '../../ports/repositories';
import type { Database } from './database';
import { hasNoPushedRow, jobItemRows } from './job-items';
import { numberOf, queryRows, toIso, toIsoOrNull } from './rows';
import { connections, jobs } from './schema';

// records_intent is storage's own (which history a job's items stand for), not part of a Job.
const { body: _body, items: _items, recordsIntent: _recordsIntent, ...headerColumns } = getTableColumns(jobs);
/** A `jobs` row as read without its body and items (see PAYLOAD_SLICE_CHARS). */
export type JobHeader = Omit<typeof jobs.$inferSelect, 'body' | 'items' | 'recordsIntent'>;

/**
 * A 1,000-item chunk's body and items are ~70 KB each, above the Data API's 64 KB row limit, so job
 * rows are read without them and the two texts follow in slices (one row per slice).
 */
const PAYLOAD_SLICE_CHARS = 15_000;

/** A connection read as `json_build_object` (camel-case keys): JSON text over the Data API, an object over pg/PGlite. */
function toConnection(value: unknown): Connection | undefined {
  if (value === null || value === undefined) return undefined;
  const row = (typeof value === 'string' ? JSON.parse(value) : value) as Connection;
  return {
    ...row,
    sellerId: numberOf(row.sellerId),
    writeRateLimitPerMinute: numberOf(row.writeRateLimitPerMinute),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
const FINISHED: Job['status'][] = ['success', 'failed'];

/**
 * A job row without its body and items as the port's Job fields: timestamps as ISO-8601, the three
 * confirmation counts as one `confirmationCounts` (null until a settlement recorded them). Shared by
 * the job repository and the read-only push queries, so both show a job alike.
 */
export function toJobHeader(header: JobHeader): Omit<Job, 'body' | 'items'> {
  const { confirmedCount, failedCount, unresolvedCount, ...rest } = header;
  return {
    ...rest,
    seq: numberOf(rest.seq),
    confirmation: header.confirmation ?? null,
    confirmationCounts:
      confirmedCount === null || failedCount === null || unresolvedCount === null
        ? null
        : { confirmed: confirmedCount, failed: failedCount, unresolved: unresolvedCount },
    settledAt: toIsoOrNull(header.settledAt),
    batchRequestId: header.batchRequestId,
    summary: header.summary ?? null,
    error: header.error ?? null,
    notBefore: toIsoOrNull(header.notBefore),
    startedAt: toIsoOrNull(header.startedAt),
    finishedAt: toIsoOrNull(header.finishedAt),
    createdAt: toIso(header.createdAt),
    updatedAt: toIso(header.updatedAt),
  };
}

function toJob(header: JobHeader, payload: { body: string; items: InventoryItem[] }): Job {
  return { ...toJobHeader(header), ...payload };
}

/** A job as it is the moment it is created: the row inserted and the value returned are this one. */
function freshJob(job: NewPushJob, seq: number, at: string): Job {
  return {
    id: job.id,
    type: PUSH_JOB_TYPE,
    status: job.status,
    attempts: 0,
    connectionId: job.connectionId,
    pushId: job.pushId,
    chunkIndex: job.chunkIndex,
    itemCount: job.items.length,
    bodyHash: job.bodyHash,
    body: job.body,
    items: job.items,
    options: job.options,
    seq,
    batchRequestId: null,
    summary: null,
    error: null,
    notBefore: job.notBefore ? job.notBefore.toISOString() : null,
    confirmation: null,
    confirmationCounts: null,
    settledAt: null,
    startedAt: null,
    finishedAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The Data API refuses a request above 4 MiB (headers and JSON escaping included, aws-notes.md);
 * a job row carries its body and items (~70 KB each for 1,000 items, more once escaped), so the
 * jobs of one push are inserted in groups whose estimated request stays under this many bytes.
 */
const JOB_INSERT_REQUEST_BYTES = 3 * 1024 * 1024;

/** Consecutive groups of jobs whose estimated insert request stays under {@link JOB_INSERT_REQUEST_BYTES}. */
function jobInsertGroups(newJobs: readonly NewPushJob[]): NewPushJob[][] {
  const groups: NewPushJob[][] = [];
  let current: NewPushJob[] = [];
  let bytes = 0;
  for (const job of newJobs) {
    // The body rendered once more as the items' JSON, both escaped (×1.25) by the Data API's JSON.
    const estimate = Math.ceil(job.body.length * 2.5) + 2_048;
    if (current.length > 0 && bytes + estimate > JOB_INSERT_REQUEST_BYTES) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(job);
    bytes += estimate;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Consecutive groups of the jobs that record intents, no barcode twice in a group: one statement
 * writes a group's intents and history, and ON CONFLICT cannot touch one row twice in a statement.
 * A push's chunks never share a barcode (coalesced), so a push is one group.
 */
function intentGroups(newJobs: readonly NewPushJob[]): NewPushJob[][] {
  const groups: NewPushJob[][] = [];
  let current: NewPushJob[] = [];
  let barcodes = new Set<string>();
  for (const job of newJobs) {
    if (!job.recordsIntent || job.items.length === 0) continue;
    if (job.items.some((item) => barcodes.has(item.barcode))) {
      groups.push(current);
      current = [];
      barcodes = new Set();
    }
    current.push(job);
    for (const item of job.items) barcodes.add(item.barcode);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * One statement for a group of just-inserted jobs: each item becomes its barcode's pending intent,
 * and the intent it replaces (pending or sent by another job) a `superseded` history entry. The items
 * are read from the jobs' own rows, so the request carries only the job ids (it stays far under the
 * Data API's 4 MiB whatever the push's size). What an item supersedes is taken from the intent row
 * version its upsert locked (`replaced`), not from the statement's snapshot: a push that waited for a
 * concurrent push of the same barcodes supersedes that push's value, which its snapshot predates.
 *
 * No `pushed` history row is written per item (migration 0008): the job's items are its `pushed`
 * entries (pushedEntries). Only an item that lost its barcode to a newer job (two pushes racing) gets
 * a `pushed` row, at its job's seq: nothing else would name its job in that barcode's timeline.
 */
async function recordIntents(tx: Pick<Database, 'execute'>, group: readonly NewPushJob[], at: string) {
  const ids = JSON.stringify(group.map((job) => job.id));
  const atMs = Date.parse(at);
  await tx.execute(sql`
    WITH x AS (
      SELECT * FROM ${jobItemRows(sql`j.id IN (SELECT jsonb_array_elements_text(${ids}::jsonb))`)} items
    ),
    intent AS (
      INSERT INTO inventory_intent AS i
        (connection_id, barcode, quantity, sale_price, list_price, status, job_id, seq, accepted_at, updated_at,
         price_sent_at)
      SELECT x.connection_id, x.barcode, x.quantity, x.sale_price, x.list_price, 'pending', x.job_id, x.seq,
             ${at}::timestamptz, ${at}::timestamptz,
             -- an item carrying a price is one price update of the barcode (the per-barcode budget)
             CASE WHEN x.sale_price IS NOT NULL OR x.list_price IS NOT NULL
                  THEN ${JSON.stringify([atMs])}::jsonb END
      FROM x
      -- Rows are locked in chunk and item order (barcode order, as chunkItems sorts), as the former
      -- per-chunk statements did, so two pushes of overlapping barcodes cannot deadlock.
      ORDER BY x.seq, x.ord
      ON CONFLICT (connection_id, barcode) DO UPDATE SET
        -- Only a newer job replaces the value (a field the item omits keeps the previously accepted
        -- one, as mergeWithKnown); its price send counts whatever the order, so an older push that
        -- loses the race to a newer one still uses the barcode's budget. Every conflicting row is
        -- updated (an older job without a price rewrites the row's own values), so RETURNING lists
        -- each barcode that already had an intent: the ones superseded below looks at.
        quantity = CASE WHEN i.seq < excluded.seq THEN COALESCE(excluded.quantity, i.quantity) ELSE i.quantity END,
        sale_price = CASE WHEN i.seq < excluded.seq THEN COALESCE(excluded.sale_price, i.sale_price)
                          ELSE i.sale_price END,
        list_price = CASE WHEN i.seq < excluded.seq THEN COALESCE(excluded.list_price, i.list_price)
                          ELSE i.list_price END,
        status = CASE WHEN i.seq < excluded.seq THEN 'pending' ELSE i.status END,
        job_id = CASE WHEN i.seq < excluded.seq THEN excluded.job_id ELSE i.job_id END,
        seq = greatest(i.seq, excluded.seq),
        accepted_at = CASE WHEN i.seq < excluded.seq THEN excluded.accepted_at ELSE i.accepted_at END,
        updated_at = CASE WHEN i.seq < excluded.seq THEN excluded.updated_at ELSE i.updated_at END,
        -- What this push replaces, from the row version the conflict locked (a concurrent push that
        -- committed after this statement's snapshot is seen here, never in the snapshot): the
        -- superseded history below is written from it. NULL when nothing is replaced.
        replaced = CASE WHEN i.seq < excluded.seq THEN jsonb_build_object(
                     'job_id', i.job_id, 'status', i.status, 'quantity', i.quantity,
                     'sale_price', i.sale_price, 'list_price', i.list_price) END,
        price_sent_at = CASE WHEN excluded.price_sent_at IS NULL THEN i.price_sent_at ELSE (
          -- keep the newest 30 (the budget's limit): older sends can no longer decide it
          SELECT jsonb_agg(t ORDER BY t) FROM (
            SELECT t FROM jsonb_array_elements(COALESCE(i.price_sent_at, '[]'::jsonb) || excluded.price_sent_at) AS e(t)
            ORDER BY (t #>> '{}')::bigint DESC LIMIT ${PRICE_UPDATES_PER_BARCODE}::integer
          ) kept
        ) END
      -- xmax is 0 on a row this statement inserted and the updating transaction on a row that
      -- conflicted (ON CONFLICT DO UPDATE locks the row first; the new version keeps the lock's xmax).
      -- Only those rows name their barcode: a new one returns an all-NULL row, which keeps the
      -- RETURNING set (one row per item) small.
      RETURNING CASE WHEN i.xmax::text <> '0' THEN i.connection_id END AS connection_id,
                CASE WHEN i.xmax::text <> '0' THEN i.barcode END AS barcode,
                CASE WHEN i.xmax::text <> '0' THEN i.job_id END AS job_id,
                CASE WHEN i.xmax::text <> '0' THEN i.replaced END AS replaced
    ),
    superseded AS (
      -- The replaced intent, if it was still pending or sent: its job's value never became
      -- Trendyol's through ECI. Each barcode once, so no order among these rows is observable. A
      -- retried statement (the same job again) replaces nothing, so it records nothing twice.
      INSERT INTO inventory_item_history
        (connection_id, barcode, event, job_id, quantity, sale_price, list_price, at)
      SELECT r.connection_id, r.barcode, 'superseded', r.replaced->>'job_id',
             (r.replaced->>'quantity')::integer, (r.replaced->>'sale_price')::numeric(12, 2),
             (r.replaced->>'list_price')::numeric(12, 2), ${at}::timestamptz
      FROM intent r
      WHERE r.replaced->>'status' IN ('pending', 'sent')
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    -- An item whose barcode a newer job holds (the upsert kept that job's values): a two-push race.
    -- Its job has a 'pushed' row of its own, at its seq (where pushedEntries would place it), written
    -- once even if this statement runs again in the transaction (a retried call).
    INSERT INTO inventory_item_history
      (id, connection_id, barcode, event, job_id, quantity, sale_price, list_price, at)
    SELECT x.seq, x.connection_id, x.barcode, 'pushed', x.job_id, x.quantity, x.sale_price, x.list_price,
           ${at}::timestamptz
    FROM intent r
    JOIN x ON x.connection_id = r.connection_id AND x.barcode = r.barcode
    WHERE r.barcode IS NOT NULL AND r.job_id <> x.job_id
      AND ${hasNoPushedRow(sql`x.job_id`, sql`x.barcode`)}
    `);
}

export class PostgresJobRepository implements JobRepository {
  constructor(private readonly db: Database) {}

  private async loadPayload(id: string): Promise<{ body: string; items: InventoryItem[] }> {
    const rows = await queryRows(
      this.db,
      sql`SELECT s.n AS n,
                 substr(j.body, s.n * ${PAYLOAD_SLICE_CHARS}::int + 1, ${PAYLOAD_SLICE_CHARS}::int) AS body_part,
                 substr(t.items, s.n * ${PAYLOAD_SLICE_CHARS}::int + 1, ${PAYLOAD_SLICE_CHARS}::int) AS items_part
          FROM jobs j
          -- The items rendered as text once, not once per slice and again for the count (a 1,000-item
          -- chunk's jsonb takes milliseconds to render); OFFSET 0 keeps the planner from inlining it.
          CROSS JOIN LATERAL (SELECT j.items::text AS items OFFSET 0) t
          CROSS JOIN LATERAL generate_series(
            0,
            ceil(greatest(length(j.body), length(t.items), 1) / ${PAYLOAD_SLICE_CHARS}::numeric)::int - 1
          ) AS s(n)
          WHERE j.id = ${id}
          ORDER BY s.n`,
    );
    const body = rows.map((row) => String(row.body_part ?? '')).join('');
    const items = rows.map((row) => String(row.items_part ?? '')).join('');
    return { body, items: JSON.parse(items) as InventoryItem[] };
  }

  private async withPayload(header: JobHeader | undefined): Promise<Job | undefined> {
    if (!header) return undefined;
    return toJob(header, await this.loadPayload(header.id));
  }

  async get(id: string): Promise<Job | undefined> {
    const [header] = await this.db.select(headerColumns).from(jobs).where(eq(jobs.id, id));
    return this.withPayload(header);
  }

  async latestForConnection(connectionId: string): Promise<Job | undefined> {
    const [header] = await this.db
      .select(headerColumns)
      .from(jobs)
      .where(eq(jobs.connectionId, connectionId))
      .orderBy(desc(jobs.createdAt), desc(jobs.seq))
      .limit(1);
    return this.withPayload(header);
  }

  async createPushJobs(newJobs: NewPushJob[], now: Date): Promise<Job[]> {
    if (newJobs.length === 0) return [];
    const at = now.toISOString();
    return this.db.transaction(async (tx) => {
      const seqById = new Map<string, number>();
      // Multi-row inserts, as many jobs per statement as fit one Data API request (4 MiB); nextval()
      // in the VALUES list runs row by row and the groups run in order, so seq follows the chunk order.
      for (const group of jobInsertGroups(newJobs)) {
        const inserted = await tx
          .insert(jobs)
          .values(
            group.map((job) => ({
              ...freshJob(job, 0, at),
              seq: sql`nextval('job_seq')`,
              recordsIntent: job.recordsIntent,
            })),
          )
          .returning({ id: jobs.id, seq: jobs.seq });
        for (const row of inserted) seqById.set(row.id, numberOf(row.seq));
      }
      const groups = intentGroups(newJobs);
      // recordIntents sorts and keeps its items (~230 bytes a row) in memory several times; at the
      // default 4 MB a 50,000-item push spilled each to temporary files. For this transaction only.
      if (groups.length > 0) await tx.execute(sql`SET LOCAL work_mem = '32MB'`);
      for (const group of groups) await recordIntents(tx, group, at);
      return newJobs.map((job) => {
        const seq = seqById.get(job.id);
        if (seq === undefined) throw new Error(`job ${job.id} was not inserted`);
        return freshJob(job, seq, at);
      });
    });
  }

  async startAttempt(id: string, now: Date): Promise<AttemptStart> {
    const at = now.toISOString();
    // One statement moves the job and reports what it was: a subquery in RETURNING reads the
    // statement's snapshot, which does not include the statement's own update.
    const before = (column: SQL) => sql`(SELECT ${column} FROM jobs b WHERE b.id = ${id})`;
    const [row] = await this.db
      .update(jobs)
      .set({
        status: 'running',
        attempts: sql`${jobs.attempts} + 1`,
        startedAt: sql`COALESCE(${jobs.startedAt}, ${at}::timestamptz)`,
        updatedAt: at,
      })
      .where(and(eq(jobs.id, id), notInArray(jobs.status, [...FINISHED, 'scheduled'])))
      .returning({
        ...headerColumns,
        beforeStatus: sql<Job['status']>`${before(sql`b.status`)}`,
        beforeAttempts: sql<number>`${before(sql`b.attempts`)}`,
        beforeUpdatedAt: sql<unknown>`${before(sql`b.updated_at`)}`,
        // The job's connection in the same round trip (the consumer needs it for every send).
        connection: sql<unknown>`(SELECT json_build_object(
            'id', c.id, 'type', c.type, 'name', c.name, 'sellerId', c.seller_id,
            'baseUrl', c.base_url, 'integratorName', c.integrator_name, 'secretRef', c.secret_ref,
            'status', c.status, 'writeRateLimitPerMinute', c.write_rate_limit_per_minute,
            'createdAt', c.created_at, 'updatedAt', c.updated_at)
          FROM ${connections} c WHERE c.id = ${jobs.connectionId})`,
      });
    if (!row) {
      // Nothing started (missing, finished or scheduled): the rare path reads the header alone.
      const [header] = await this.db.select(headerColumns).from(jobs).where(eq(jobs.id, id));
      if (!header) return { before: undefined, job: undefined };
      const { status, attempts, updatedAt, notBefore } = toJobHeader(header);
      return { before: { status, attempts, updatedAt, notBefore }, job: undefined };
    }
    const { beforeStatus, beforeAttempts, beforeUpdatedAt, connection, ...header } = row;
    return {
      connection: toConnection(connection),
      before: {
        status: beforeStatus,
        attempts: numberOf(beforeAttempts),
        updatedAt: toIso(beforeUpdatedAt),
        notBefore: toIsoOrNull(header.notBefore),
      },
      job: await this.withPayload(header),
    };
  }

  async requeue(id: string, error: JobError, now: Date): Promise<void> {
    await this.db
      .update(jobs)
      .set({ status: 'queued', error, updatedAt: now.toISOString() })
      .where(and(eq(jobs.id, id), notInArray(jobs.status, FINISHED)));
  }

  async recordAccepted(
    id: string,
    batchRequestId: string,
    summary: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    const at = now.toISOString();
    // One statement (atomic on its own, so no transaction: over the Data API that saves the
    // Begin/Commit calls). The history rows are read from the job's items, which neither sibling
    // update touches, so the shared snapshot sees what they need.
    await this.db.execute(sql`
      WITH accepted AS (
        UPDATE jobs SET batch_request_id = ${batchRequestId}::text,
                        summary = ${JSON.stringify(summary)}::jsonb,
                        confirmation = COALESCE(confirmation, 'pending'),
                        updated_at = ${at}::timestamptz
        WHERE id = ${id}::text
        RETURNING connection_id
      ),
      moved AS (
        UPDATE inventory_intent SET status = 'sent', updated_at = ${at}::timestamptz
        WHERE connection_id = (SELECT connection_id FROM accepted) AND ${jobIntents(id)}
          AND status = 'pending'
      ),
      state AS (
        -- The hand-off's SUCCESS state, before the workflow starts (a connection deleted meanwhile
        -- gets none rather than failing the record of an accepted batch on the foreign key).
        INSERT INTO connection_state (connection_id, last_status, last_error, last_job_id, updated_at)
        SELECT a.connection_id, 'SUCCESS', NULL, ${id}::text, ${at}::timestamptz FROM accepted a
        WHERE EXISTS (SELECT 1 FROM connections c WHERE c.id = a.connection_id)
        ON CONFLICT (connection_id) DO UPDATE SET last_status = EXCLUDED.last_status,
          last_error = NULL, last_job_id = EXCLUDED.last_job_id, updated_at = EXCLUDED.updated_at
      )
      INSERT INTO inventory_item_history
        (connection_id, barcode, event, job_id, batch_request_id, quantity, sale_price, list_price, at)
      ${historyFromItems(id, 'sent', sql`${batchRequestId}::text`, sql`NULL::jsonb`, at, sql`EXISTS (SELECT 1 FROM accepted)`)}
      ON CONFLICT DO NOTHING`);
  }

  async finish(
    id: string,
    outcome: { status: 'success' | 'failed'; summary: Record<string, unknown>; error: JobError | null },
    now: Date,
  ): Promise<void> {
    const at = now.toISOString();
    // A success is one statement: no transaction (two Data API calls fewer per chunk).
    const run = <T>(work: (db: Database) => Promise<T>) =>
      outcome.status === 'failed'
        ? this.db.transaction((tx) => work(tx as unknown as Database))
        : work(this.db);
    await run(async (tx) => {
      const [job] = await tx
        .update(jobs)
        .set({
          status: outcome.status,
          // Merged, not replaced: the confirmation workflow may already have added its block.
          summary: sql`COALESCE(${jobs.summary}, '{}'::jsonb) || ${JSON.stringify(outcome.summary)}::jsonb`,
          error: outcome.error,
          // A failed job's values are not on Trendyol; a settled confirmation is never rewritten.
          ...(outcome.status === 'failed' && {
            confirmation: sql`CASE WHEN ${jobs.confirmation} IS NULL OR ${jobs.confirmation} = 'pending'
              THEN 'failed' ELSE ${jobs.confirmation} END`,
            failedCount: sql`COALESCE(${jobs.failedCount}, ${jobs.itemCount})`,
            confirmedCount: sql`COALESCE(${jobs.confirmedCount}, 0)`,
            unresolvedCount: sql`COALESCE(${jobs.unresolvedCount}, 0)`,
            settledAt: sql`COALESCE(${jobs.settledAt}, ${at}::timestamptz)`,
          }),
          finishedAt: at,
          updatedAt: at,
        })
        .where(eq(jobs.id, id))
        .returning({ connectionId: jobs.connectionId, batchRequestId: jobs.batchRequestId });
      if (!job || outcome.status !== 'failed') return;
      const reasons = JSON.stringify([outcome.error?.message ?? 'job failed']);
      await tx.execute(sql`
        WITH moved AS (
          UPDATE inventory_intent SET status = 'failed', updated_at = ${at}::timestamptz
          WHERE connection_id = ${job.connectionId}::text AND ${jobIntents(id)}
            AND status IN ('pending', 'sent')
        )
        INSERT INTO inventory_item_history
          (connection_id, barcode, event, job_id, batch_request_id, quantity, sale_price, list_price,
           failure_reasons, at)
        ${historyFromItems(id, 'failed', sql`${job.batchRequestId}::text`, sql`${reasons}::jsonb`, at)}
        ON CONFLICT DO NOTHING`);
    });
  }

  async recordSettlement(
    id: string,
    settlement: {
      confirmation: Exclude<JobConfirmation, 'pending'>;
      counts: ConfirmationCounts;
      summary: Record<string, unknown>;
    },
    now: Date,
  ): Promise<boolean> {
    const at = now.toISOString();
    const rows = await this.db
      .update(jobs)
      .set({
        confirmation: settlement.confirmation,
        confirmedCount: settlement.counts.confirmed,
        failedCount: settlement.counts.failed,
        unresolvedCount: settlement.counts.unresolved,
        settledAt: at,
        summary: sql`COALESCE(${jobs.summary}, '{}'::jsonb) || ${JSON.stringify(settlement.summary)}::jsonb`,
        updatedAt: at,
      })
      // The guard makes settling happen once even when the workflow and a read race each other.
      .where(and(eq(jobs.id, id), or(isNull(jobs.confirmation), eq(jobs.confirmation, 'pending'))))
      .returning({ id: jobs.id });
    return rows.length > 0;
  }

  async mergeSummary(id: string, patch: Record<string, unknown>, now: Date): Promise<void> {
    await this.db
      .update(jobs)
      .set({
        summary: sql`COALESCE(${jobs.summary}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb`,
        updatedAt: now.toISOString(),
      })
      .where(eq(jobs.id, id));
  }

  async reschedule(id: string, notBefore: Date, error: JobError, now: Date): Promise<void> {
    await this.db
      .update(jobs)
      .set({
        status: 'scheduled',
        notBefore: notBefore.toISOString(),
        error,
        // Sent once already (outcome unknown) or waiting: either way nothing is settled yet.
        confirmation: sql`CASE WHEN ${jobs.batchRequestId} IS NOT NULL OR ${jobs.attempts} > 0
          THEN COALESCE(${jobs.confirmation}, 'pending') ELSE ${jobs.confirmation} END`,
        updatedAt: now.toISOString(),
      })
      .where(and(eq(jobs.id, id), notInArray(jobs.status, FINISHED)));
  }

  async listDueScheduled(now: Date, limit: number): Promise<Job[]> {
    const headers = await this.db
      .select(headerColumns)
      .from(jobs)
      .where(and(eq(jobs.status, 'scheduled'), lte(jobs.notBefore, now.toISOString())))
      .orderBy(asc(jobs.notBefore), asc(jobs.seq))
      .limit(limit);
    const out: Job[] = [];
    // One job at a time keeps each payload read under the Data API's 1 MiB response limit.
    for (const header of headers) out.push(toJob(header, await this.loadPayload(header.id)));
    return out;
  }

  async listUnfinished(
    limit: number,
  ): Promise<
    Array<
      Pick<Job, 'id' | 'connectionId' | 'status' | 'bodyHash' | 'batchRequestId' | 'startedAt' | 'createdAt'>
    >
  > {
    const rows = await this.db
      .select({
        id: jobs.id,
        connectionId: jobs.connectionId,
        status: jobs.status,
        bodyHash: jobs.bodyHash,
        batchRequestId: jobs.batchRequestId,
        startedAt: jobs.startedAt,
        createdAt: jobs.createdAt,
      })
      .from(jobs)
      .where(
        sql`${jobs.status} IN ('queued', 'running')
          OR (${jobs.status} = 'success' AND ${jobs.batchRequestId} IS NOT NULL
              AND NOT (COALESCE(${jobs.summary}, '{}'::jsonb) ? 'confirmation'))`,
      )
      .orderBy(asc(jobs.seq))
      .limit(limit);
    return rows.map((row) => ({
      ...row,
      startedAt: toIsoOrNull(row.startedAt),
      createdAt: toIso(row.createdAt),
    }));
  }

  async releaseScheduled(
    id: string,
    chunk: { items: InventoryItem[]; body: string; bodyHash: string },
    now: Date,
  ): Promise<void> {
    const items = JSON.stringify(chunk.items);
    // One statement. A barcode the release drops from the job leaves its items, which are the job's
    // `pushed` entries (migration 0008): it gets a `pushed` row of its own first, at the job's seq
    // and creation, so its timeline keeps the push (its `superseded` row names this job).
    await this.db.execute(sql`
      WITH before AS (
        SELECT * FROM ${jobItemRows(sql`j.id = ${id}::text AND j.status = 'scheduled' AND j.records_intent`)} items
      ),
      kept AS (SELECT e->>'barcode' AS barcode FROM jsonb_array_elements(${items}::jsonb) e),
      released AS (
        UPDATE jobs SET status = 'queued', items = ${items}::jsonb, body = ${chunk.body}::text,
                        body_hash = ${chunk.bodyHash}::text, item_count = ${chunk.items.length}::int,
                        updated_at = ${now.toISOString()}::timestamptz
        WHERE id = ${id}::text AND status = 'scheduled'
        RETURNING id
      )
      INSERT INTO inventory_item_history
        (id, connection_id, barcode, event, job_id, quantity, sale_price, list_price, at)
      SELECT b.seq, b.connection_id, b.barcode, 'pushed', b.job_id, b.quantity, b.sale_price, b.list_price,
             b.created_at
      FROM before b
      WHERE EXISTS (SELECT 1 FROM released) AND b.barcode NOT IN (SELECT barcode FROM kept)
        -- a job from before migration 0008, or one that lost a race, has its own row already
        AND ${hasNoPushedRow(sql`b.job_id`, sql`b.barcode`)}`);
  }

  async findByBatchRequestId(batchRequestId: string): Promise<Job | undefined> {
    const [header] = await this.db
      .select(headerColumns)
      .from(jobs)
      .where(eq(jobs.batchRequestId, batchRequestId))
      .orderBy(desc(jobs.seq))
      .limit(1);
    return this.withPayload(header);
  }
}

/**
 * The condition on `inventory_intent` (with the connection's equality beside it) for the intents a
 * job holds: its items' barcodes, probed by primary key, whose intent is still the job's. There is no
 * index on the intents' job id (migration 0007: it cost every push one index entry per item). An
 * intent names a job only if the job's items hold its barcode (createPushJobs writes them from the
 * items); releaseScheduled narrows the items only to drop barcodes whose intent is no longer the
 * job's or is confirmed, which the callers' status filters leave alone anyway.
 */
function jobIntents(jobId: string): SQL {
  // An in-query array, as the settlement's: the primary key is probed once per barcode, where a
  // semi-join could let the planner scan every intent of the connection.
  return sql`barcode = ANY (ARRAY(
      SELECT e.item->>'barcode' FROM jobs j CROSS JOIN LATERAL jsonb_array_elements(j.items) AS e(item)
      WHERE j.id = ${jobId}::text))
    AND job_id = ${jobId}::text`;
}

/**
 * History rows for a later event of a job (columns: connection_id, barcode, event, job_id,
 * batch_request_id, quantity, sale_price, list_price[, failure_reasons], at), one per item still in
 * the job (a released scheduled job may have been narrowed), copied from the job's items, which are
 * what its push accepted (migration 0008). A job that recorded no intents (a dry run, writes gated
 * off) gets none, and none unless `onlyIf` holds. The unique (job_id, event, barcode) index plus ON CONFLICT DO NOTHING makes it
 * idempotent.
 */
export function historyFromItems(
  jobId: string,
  event: 'sent' | 'failed',
  batchRequestId: SQL,
  failureReasons: SQL,
  at: string,
  onlyIf: SQL = sql`true`,
): SQL {
  return sql`
    SELECT p.connection_id, p.barcode, ${event}::text, p.job_id, ${batchRequestId}, p.quantity, p.sale_price,
           p.list_price, ${event === 'failed' ? sql`${failureReasons},` : sql``} ${at}::timestamptz
    FROM ${jobItemRows(sql`j.id = ${jobId}::text AND j.records_intent`)} p
    WHERE ${onlyIf}`;
}
