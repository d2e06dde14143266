import { and, desc, eq, getTableColumns, lt, type SQL, sql } from 'drizzle-orm';
import type { JobConfirmation } from '../../domain/job-confirmation';
import type {
  FailedItem,
  InventoryStateFilter,
  JobHeader,
  PushHeader,
  PushReadRepository,
  TimelineEntry,
} from '../../ports/push-reads';
import type { HistoryEntry } from '../../ports/repositories';
import type { Database } from './database';
import { HISTORY_COLUMNS, hasNoPushedRow, itemValues } from './job-items';
import { toJobHeader } from './job-repository';
import {
  centsOrNull,
  jsonOf,
  numberOf,
  numberOrNull,
  queryRows,
  stringOf,
  stringOrNull,
  toIso,
} from './rows';
import { jobs } from './schema';

// Lists never read a job's body or items (~70 KB each per chunk; the Data API caps rows at 64 KB).
const { body: _body, items: _items, ...headerColumns } = getTableColumns(jobs);

function toHeader(
  row: typeof jobs.$inferSelect | Omit<typeof jobs.$inferSelect, 'body' | 'items'>,
): JobHeader {
  const { body: _b, items: _i, ...header } = row as typeof jobs.$inferSelect;
  return toJobHeader(header);
}

function reasonsOf(value: unknown): string[] {
  const parsed = jsonOf(value);
  if (!Array.isArray(parsed)) return [];
  return parsed.map((reason) => (typeof reason === 'string' ? reason : JSON.stringify(reason)));
}

/** PostgreSQL reads for the operator surfaces (see {@link PushReadRepository}). */
export class PostgresPushReadRepository implements PushReadRepository {
  constructor(private readonly db: Database) {}

  async jobsOfPush(pushId: string): Promise<JobHeader[]> {
    const rows = await this.db
      .select(headerColumns)
      .from(jobs)
      .where(eq(jobs.pushId, pushId))
      .orderBy(jobs.chunkIndex);
    return rows.map(toHeader);
  }

  async failedItemsOfPush(pushId: string, limit: number): Promise<FailedItem[]> {
    const rows = await queryRows(
      this.db,
      sql`SELECT h.barcode, h.job_id, h.batch_request_id, h.failure_reasons, h.at
          FROM jobs j JOIN inventory_item_history h ON h.job_id = j.id AND h.event = 'failed'
          WHERE j.push_id = ${pushId}::text
          ORDER BY h.id
          LIMIT ${limit}::int`,
    );
    return rows.map((row) => ({
      barcode: stringOf(row.barcode),
      jobId: stringOf(row.job_id),
      batchRequestId: stringOrNull(row.batch_request_id),
      failureReasons: reasonsOf(row.failure_reasons),
      at: toIso(row.at),
    }));
  }

  async heldCountOfPush(pushId: string): Promise<number> {
    // saveHolds records one 'held' entry per barcode with the push id in job_id (unique per barcode).
    const rows = await queryRows(
      this.db,
      sql`SELECT count(*) AS held FROM inventory_item_history
          WHERE job_id = ${pushId}::text AND event = 'held'`,
    );
    return numberOf(rows[0]?.held ?? 0);
  }

  async listPushes(connectionId: string, beforeSeq: number | null, limit: number): Promise<PushHeader[]> {
    const before: SQL = beforeSeq === null ? sql`` : sql`HAVING min(seq) < ${beforeSeq}::bigint`;
    const rows = await queryRows(
      this.db,
      sql`SELECT push_id, min(seq) AS first_seq, min(created_at) AS created_at, count(*) AS chunk_count,
                 sum(item_count) AS item_count
          FROM jobs
          WHERE connection_id = ${connectionId}::text
          GROUP BY push_id
          ${before}
          ORDER BY first_seq DESC
          LIMIT ${limit}::int`,
    );
    return rows.map((row) => ({
      pushId: stringOf(row.push_id),
      connectionId,
      createdAt: toIso(row.created_at),
      firstSeq: numberOf(row.first_seq),
      chunkCount: numberOf(row.chunk_count),
      itemCount: numberOf(row.item_count),
    }));
  }

  async listJobs(
    filter: { connectionId: string; status?: JobHeader['status']; confirmation?: JobConfirmation },
    beforeSeq: number | null,
    limit: number,
  ): Promise<JobHeader[]> {
    const rows = await this.db
      .select(headerColumns)
      .from(jobs)
      .where(
        and(
          eq(jobs.connectionId, filter.connectionId),
          filter.status ? eq(jobs.status, filter.status) : undefined,
          filter.confirmation ? eq(jobs.confirmation, filter.confirmation) : undefined,
          beforeSeq === null ? undefined : lt(jobs.seq, beforeSeq),
        ),
      )
      .orderBy(desc(jobs.seq))
      .limit(limit);
    return rows.map(toHeader);
  }

  async confirmationLags(
    connectionId: string,
    since: Date,
  ): Promise<Array<{ lagMs: number; items: number; settledAt: string }>> {
    const rows = await queryRows(
      this.db,
      // From when ECI accepted the values: the catalog change for a synced chunk, else the push.
      sql`SELECT round(extract(epoch FROM (s.settled_at -
                   coalesce((j.options->>'acceptedAt')::timestamptz, j.created_at))) * 1000) AS lag_ms,
                 coalesce((j.summary->'confirmation'->>'successCount')::int, 0) AS items,
                 s.settled_at
          FROM jobs j
          CROSS JOIN LATERAL (SELECT (j.summary->'confirmation'->>'settledAt')::timestamptz AS settled_at) s
          WHERE j.connection_id = ${connectionId}::text
            AND j.summary->'confirmation'->>'status' = 'SETTLED'
            AND s.settled_at >= ${since.toISOString()}::timestamptz
          ORDER BY j.seq DESC
          LIMIT 100000`,
    );
    return rows.map((row) => ({
      lagMs: numberOf(row.lag_ms),
      items: numberOf(row.items),
      settledAt: toIso(row.settled_at),
    }));
  }

  async listBarcodesInState(
    connectionId: string,
    state: InventoryStateFilter,
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    // Held and drifted barcodes live in the catalog's tables, one row per barcode (their primary key).
    const catalogTable: Partial<Record<InventoryStateFilter, SQL>> = {
      held: sql`inventory_hold`,
      drifted: sql`inventory_drift`,
    };
    const table = catalogTable[state];
    if (table) {
      const rows = await queryRows(
        this.db,
        sql`SELECT barcode FROM ${table}
            WHERE connection_id = ${connectionId}::text AND barcode > ${after ?? ''}::text
            ORDER BY barcode
            LIMIT ${limit}::int`,
      );
      return rows.map((row) => stringOf(row.barcode));
    }
    const condition: Record<Exclude<InventoryStateFilter, 'held' | 'drifted'>, SQL> = {
      failed: sql`i.status = 'failed'`,
      scheduled: sql`i.status = 'pending' AND j.status = 'scheduled'`,
      unconfirmed: sql`i.status = 'sent' AND j.summary->'confirmation'->>'status' = 'UNCONFIRMED'
        AND coalesce((j.summary->'confirmation'->>'readBackMatched')::boolean, false) = false`,
    };
    const rows = await queryRows(
      this.db,
      sql`SELECT i.barcode FROM inventory_intent i JOIN jobs j ON j.id = i.job_id
          WHERE i.connection_id = ${connectionId}::text AND ${condition[state as Exclude<InventoryStateFilter, 'held' | 'drifted'>]}
            AND i.barcode > ${after ?? ''}::text
          ORDER BY i.barcode
          LIMIT ${limit}::int`,
    );
    return rows.map((row) => stringOf(row.barcode));
  }

  async timeline(
    connectionId: string,
    barcode: string,
    afterId: number | null,
    limit: number,
  ): Promise<TimelineEntry[]> {
    const after = afterId ?? 0;
    const rows = await queryRows(
      this.db,
      sql`WITH written AS (
            SELECT ${HISTORY_COLUMNS} FROM inventory_item_history
            WHERE connection_id = ${connectionId}::text AND barcode = ${barcode}::text
              AND id > ${after}::bigint
          ),
          -- The id a page of written rows alone would end at (NULL when they do not fill a page): a
          -- pushed entry after it cannot be on this page, so only jobs up to it are looked at.
          page_end AS (
            SELECT CASE WHEN count(*) < ${limit}::int THEN NULL ELSE max(id) END AS id
            FROM (SELECT id FROM written ORDER BY id LIMIT ${limit}::int) w
          ),
          -- Every job whose pushed entry lies after the cursor has a row after it or holds the intent
          -- (pushedEntries). All the rows after the cursor are read for their job ids, not only one
          -- page's: a job's first later event may lie pages further on.
          candidates AS (
            SELECT job_id FROM written
            UNION
            SELECT job_id FROM inventory_intent
            WHERE connection_id = ${connectionId}::text AND barcode = ${barcode}::text
          ),
          pushed AS (
            -- Each job's item for the barcode found inside its items (no row per item is built).
            SELECT j.seq AS id, ${barcode}::text AS barcode, 'pushed'::text AS event, j.id AS job_id,
                   NULL::text AS batch_request_id, ${itemValues(sql`it.item`)}, NULL::jsonb AS failure_reasons,
                   j.created_at AS at
            FROM jobs j
            CROSS JOIN LATERAL jsonb_path_query_first(
              j.items, '$[*] ? (@.barcode == $b)', jsonb_build_object('b', ${barcode}::text)
            ) AS it(item)
            WHERE j.id IN (SELECT job_id FROM candidates) AND j.connection_id = ${connectionId}::text
              AND j.records_intent AND j.seq > ${after}::bigint
              AND j.seq <= COALESCE((SELECT id FROM page_end), j.seq)
              AND it.item IS NOT NULL
              AND ${hasNoPushedRow(sql`j.id`, sql`${barcode}::text`)}
          )
          SELECT * FROM written UNION ALL SELECT * FROM pushed ORDER BY id LIMIT ${limit}::int`,
    );
    return rows.map((row) => ({
      id: numberOf(row.id),
      barcode: stringOf(row.barcode),
      event: stringOf(row.event) as HistoryEntry['event'],
      jobId: stringOf(row.job_id),
      batchRequestId: stringOrNull(row.batch_request_id),
      quantity: numberOrNull(row.quantity),
      salePrice: centsOrNull(row.sale_price),
      listPrice: centsOrNull(row.list_price),
      failureReasons: row.failure_reasons === null ? null : reasonsOf(row.failure_reasons),
      at: toIso(row.at),
    }));
  }
}
