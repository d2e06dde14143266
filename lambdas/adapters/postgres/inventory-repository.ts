import { and, eq, sql } from 'drizzle-orm';
import type { KnownValue } from '../../domain/diff';
import type {
  AppliedBatchResult,
  BarcodeState,
  BatchResultInput,
  ConfirmedValue,
  HistoryEntry,
  InFlightValue,
  InventoryRepository,
  ItemResult,
  PushState,
} from '../../ports/repositories';
import type { Database } from './database';
import { HISTORY_COLUMNS, jobItemRows, pushedEntries } from './job-items';
import {
  centsOrNull,
  chunked,
  jsonOf,
  LIST_BATCH_SIZE,
  numberOf,
  numberOrNull,
  queryRows,
  stringOf,
  stringOrNull,
  toIso,
} from './rows';
import { inventoryConfirmedState, inventoryIntent } from './schema';

const inList = (list: readonly string[]) =>
  sql`(SELECT jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))`;

/** A jsonb array of barcodes (text over the Data API, parsed over node-postgres/PGlite). */
function barcodeList(value: unknown): string[] {
  const parsed = jsonOf(value);
  if (!Array.isArray(parsed)) throw new Error('expected a JSON array of barcodes');
  return parsed.map((b) => String(b));
}

function uniqueBarcodes(barcodes: readonly string[]): string[] {
  return [...new Set(barcodes)];
}

function failureReasonsOf(value: unknown): string[] | null {
  const parsed = jsonOf(value);
  if (parsed === null || parsed === undefined) return null;
  if (!Array.isArray(parsed)) throw new Error('failure_reasons is not an array');
  return parsed.map((reason) => (typeof reason === 'string' ? reason : JSON.stringify(reason)));
}

/** The intent columns that make a KnownValue (the diff's view of a barcode). */
const knownValueColumns = {
  barcode: inventoryIntent.barcode,
  quantity: inventoryIntent.quantity,
  salePrice: inventoryIntent.salePrice,
  listPrice: inventoryIntent.listPrice,
  status: inventoryIntent.status,
  jobId: inventoryIntent.jobId,
  acceptedAt: inventoryIntent.acceptedAt,
};

function toKnownValue(row: {
  barcode: string;
  quantity: number | null;
  salePrice: string | null;
  listPrice: string | null;
  status: KnownValue['status'];
  jobId: string;
  acceptedAt: string;
}): KnownValue {
  return {
    barcode: row.barcode,
    quantity: row.quantity,
    salePrice: centsOrNull(row.salePrice),
    listPrice: centsOrNull(row.listPrice),
    status: row.status,
    jobId: row.jobId,
    acceptedAt: toIso(row.acceptedAt),
  };
}

export class PostgresInventoryRepository implements InventoryRepository {
  constructor(private readonly db: Database) {}

  async findKnownValues(connectionId: string, barcodes: readonly string[]): Promise<Map<string, KnownValue>> {
    const known = new Map<string, KnownValue>();
    for (const batch of chunked(uniqueBarcodes(barcodes), LIST_BATCH_SIZE)) {
      const rows = await this.db
        .select(knownValueColumns)
        .from(inventoryIntent)
        .where(
          and(
            eq(inventoryIntent.connectionId, connectionId),
            sql`${inventoryIntent.barcode} IN ${inList(batch)}`,
          ),
        );
      for (const row of rows) known.set(row.barcode, toKnownValue(row));
    }
    return known;
  }

  async findPushState(connectionId: string, barcodes: readonly string[]): Promise<PushState> {
    const state: PushState = { known: new Map(), confirmedSalePrice: new Map(), priceSends: new Map() };
    for (const batch of chunked(uniqueBarcodes(barcodes), LIST_BATCH_SIZE)) {
      const rows = await queryRows(
        this.db,
        sql`SELECT b.barcode, i.quantity, i.sale_price, i.list_price, i.status, i.job_id, i.accepted_at,
                   i.price_sent_at, c.barcode AS confirmed_barcode, c.sale_price AS confirmed_sale_price
            FROM jsonb_array_elements_text(${JSON.stringify(batch)}::jsonb) AS b(barcode)
            LEFT JOIN inventory_intent i ON i.connection_id = ${connectionId}::text AND i.barcode = b.barcode
            LEFT JOIN inventory_confirmed_state c
              ON c.connection_id = ${connectionId}::text AND c.barcode = b.barcode
            WHERE i.barcode IS NOT NULL OR c.barcode IS NOT NULL`,
      );
      for (const row of rows) {
        const barcode = stringOf(row.barcode);
        if (row.status !== null && row.status !== undefined) {
          state.known.set(barcode, {
            barcode,
            quantity: numberOrNull(row.quantity),
            salePrice: centsOrNull(row.sale_price),
            listPrice: centsOrNull(row.list_price),
            status: stringOf(row.status) as KnownValue['status'],
            jobId: stringOf(row.job_id),
            acceptedAt: toIso(row.accepted_at),
          });
        }
        if (row.confirmed_barcode !== null && row.confirmed_barcode !== undefined) {
          state.confirmedSalePrice.set(barcode, centsOrNull(row.confirmed_sale_price));
        }
        const sends = jsonOf(row.price_sent_at);
        if (Array.isArray(sends))
          state.priceSends.set(
            barcode,
            sends.map((t) => numberOf(t)),
          );
      }
    }
    return state;
  }

  async listFailedIntents(connectionId: string, limit: number): Promise<KnownValue[]> {
    const rows = await this.db
      .select(knownValueColumns)
      .from(inventoryIntent)
      .where(and(eq(inventoryIntent.connectionId, connectionId), eq(inventoryIntent.status, 'failed')))
      .orderBy(inventoryIntent.updatedAt, inventoryIntent.barcode)
      .limit(limit);
    return rows.map(toKnownValue);
  }

  async markDrifted(
    connectionId: string,
    barcodes: readonly string[],
    reason: string,
    now: Date,
  ): Promise<number> {
    const at = now.toISOString();
    let moved = 0;
    for (const batch of chunked(uniqueBarcodes(barcodes), LIST_BATCH_SIZE)) {
      const rows = await queryRows(
        this.db,
        sql`
        WITH moved AS (
          UPDATE inventory_intent SET status = 'failed', updated_at = ${at}::timestamptz
          WHERE connection_id = ${connectionId}::text AND status = 'confirmed'
            AND barcode IN ${inList(batch)}
          RETURNING connection_id, barcode, job_id, quantity, sale_price, list_price
        ), logged AS (
          INSERT INTO inventory_item_history
            (connection_id, barcode, event, job_id, batch_request_id, quantity, sale_price, list_price,
             failure_reasons, at)
          SELECT connection_id, barcode, 'failed', job_id, NULL, quantity, sale_price, list_price,
                 ${JSON.stringify([reason])}::jsonb, ${at}::timestamptz
          FROM moved
          ON CONFLICT DO NOTHING
        )
        SELECT count(*) AS n FROM moved`,
      );
      moved += Number((rows[0] as { n?: unknown } | undefined)?.n ?? 0);
    }
    return moved;
  }

  async applyBatchResult(input: BatchResultInput, now: Date): Promise<AppliedBatchResult> {
    const { connectionId, jobId, batchRequestId } = input;
    // Last report per barcode wins, as when Trendyol lists a barcode twice.
    const byBarcode = new Map<string, ItemResult>();
    for (const result of input.results) byBarcode.set(result.barcode, result);
    const results = [...byBarcode.values()];
    const failed = results.filter((result) => result.status === 'FAILED').length;
    if (results.length === 0) return { confirmedUpserted: 0, failed, raced: [], overtaken: [] };

    const resultsJson = JSON.stringify(
      results.map((r) => ({
        barcode: r.barcode,
        status: r.status,
        failure_reasons: r.status === 'FAILED' ? r.failureReasons : null,
      })),
    );
    const at = now.toISOString();
    const submittedAt = input.submittedAt?.toISOString() ?? null;
    // One statement, hence atomic without a (Data API) transaction, and one round trip for the
    // common case (the poller's race checks read `prior`, so a clean batch needs no further reads).
    // Values come from the job's own items (cents in jsonb → numeric(12,2) exactly); each field group
    // only moves forward in seq, so an older batch settling late never overwrites what a newer push
    // already confirmed. Every write is guarded by `job`, so a wrong connection writes nothing.
    const rows = await queryRows(
      this.db,
      sql`
      WITH job AS (
        SELECT seq, records_intent FROM jobs WHERE id = ${jobId}::text AND connection_id = ${connectionId}::text
      ),
      r AS (
        SELECT * FROM jsonb_to_recordset(${resultsJson}::jsonb)
          AS r(barcode text, status text, failure_reasons jsonb)
      ),
      src AS (
        SELECT * FROM ${jobItemRows(sql`j.id = ${jobId}::text AND EXISTS (SELECT 1 FROM job)`)} items
      ),
      prior AS (
        -- Confirmed values of the SUCCESS barcodes that are another batch's, as they were before
        -- this statement (every CTE sees the same snapshot).
        SELECT c.barcode, c.confirmed_at
        FROM inventory_confirmed_state c
        WHERE c.connection_id = ${connectionId}::text
          AND c.barcode = ANY (ARRAY(SELECT barcode FROM r WHERE status = 'SUCCESS'))
          AND c.batch_request_id IS DISTINCT FROM ${batchRequestId}::text
      ),
      own AS (
        -- SUCCESS barcodes already confirmed by this very batch (an earlier poll): not overtaken.
        SELECT c.barcode
        FROM inventory_confirmed_state c
        WHERE c.connection_id = ${connectionId}::text
          AND c.barcode = ANY (ARRAY(SELECT barcode FROM r WHERE status = 'SUCCESS'))
          AND c.batch_request_id = ${batchRequestId}::text
      ),
      upserted AS (
        INSERT INTO inventory_confirmed_state AS c
          (connection_id, barcode, quantity, sale_price, list_price, batch_request_id, confirmed_at,
           quantity_seq, price_seq)
        SELECT ${connectionId}::text, s.barcode, s.quantity, s.sale_price, s.list_price, ${batchRequestId}::text,
               ${at}::timestamptz,
               CASE WHEN s.quantity IS NOT NULL THEN (SELECT seq FROM job) END,
               CASE WHEN s.sale_price IS NOT NULL OR s.list_price IS NOT NULL THEN (SELECT seq FROM job) END
        FROM src s JOIN r ON r.barcode = s.barcode AND r.status = 'SUCCESS'
        ON CONFLICT (connection_id, barcode) DO UPDATE SET
          quantity = CASE WHEN excluded.quantity_seq > COALESCE(c.quantity_seq, 0)
                          THEN excluded.quantity ELSE c.quantity END,
          quantity_seq = CASE WHEN excluded.quantity_seq > COALESCE(c.quantity_seq, 0)
                              THEN excluded.quantity_seq ELSE c.quantity_seq END,
          sale_price = CASE WHEN excluded.price_seq > COALESCE(c.price_seq, 0)
                            THEN COALESCE(excluded.sale_price, c.sale_price) ELSE c.sale_price END,
          list_price = CASE WHEN excluded.price_seq > COALESCE(c.price_seq, 0)
                            THEN COALESCE(excluded.list_price, c.list_price) ELSE c.list_price END,
          price_seq = CASE WHEN excluded.price_seq > COALESCE(c.price_seq, 0)
                           THEN excluded.price_seq ELSE c.price_seq END,
          batch_request_id = excluded.batch_request_id,
          confirmed_at = excluded.confirmed_at
        WHERE excluded.quantity_seq > COALESCE(c.quantity_seq, 0)
           OR excluded.price_seq > COALESCE(c.price_seq, 0)
        RETURNING c.barcode
      ),
      intents AS (
        -- Barcodes as an in-query array (not a parameter: the Data API has none) so the primary key
        -- is probed once per barcode; joining the CTE let a mis-estimating planner compare every
        -- intent of the job with every result (a million comparisons per 1000-item batch).
        UPDATE inventory_intent i
        SET status = CASE WHEN i.barcode = ANY (ARRAY(SELECT barcode FROM r WHERE status = 'SUCCESS'))
                          THEN 'confirmed' ELSE 'failed' END,
            updated_at = ${at}::timestamptz
        WHERE i.connection_id = ${connectionId}::text
          AND i.barcode = ANY (ARRAY(SELECT barcode FROM r))
          AND i.job_id = ${jobId}::text
          AND i.status IN ('pending', 'sent')
          AND EXISTS (SELECT 1 FROM job)
      ),
      history AS (
        INSERT INTO inventory_item_history
          (connection_id, barcode, event, job_id, batch_request_id, quantity, sale_price, list_price,
           failure_reasons, at)
        SELECT h.connection_id, h.barcode, CASE WHEN r.status = 'SUCCESS' THEN 'confirmed' ELSE 'failed' END,
               h.job_id, ${batchRequestId}::text, h.quantity, h.sale_price, h.list_price, r.failure_reasons,
               ${at}::timestamptz
        -- the job's items are what it pushed (migration 0008); a job that recorded no intents (dry
        -- run, writes gated off) gets no history
        FROM r JOIN src h ON h.barcode = r.barcode
        WHERE (SELECT records_intent FROM job)
        ON CONFLICT DO NOTHING
      )
      SELECT (SELECT count(*) FROM job)::int AS job_found,
             (SELECT count(*) FROM upserted)::int AS confirmed_upserted,
             (SELECT COALESCE(jsonb_agg(p.barcode ORDER BY p.barcode), '[]'::jsonb) FROM prior p
               WHERE p.confirmed_at >= ${submittedAt}::timestamptz) AS raced,
             -- Every SUCCESS barcode of the job that this write did not move forward and this batch
             -- did not own before: another batch holds a newer value. Not read from prior: a
             -- newer batch committing while this statement waits on the row is invisible to its
             -- snapshot, yet the upsert (which re-checks the locked row) leaves the barcode alone.
             -- The job's SUCCESS barcodes as the barcodes counted twice in its items plus the SUCCESS
             -- results (each side lists a barcode once): a hash aggregate. A join of the two let the planner,
             -- which guesses one SUCCESS result, compare every item with every result (~140 ms a batch).
             (SELECT COALESCE(jsonb_agg(o.barcode ORDER BY o.barcode), '[]'::jsonb) FROM (
                SELECT u.barcode FROM (
                  SELECT DISTINCT barcode FROM src UNION ALL SELECT barcode FROM r WHERE status = 'SUCCESS'
                ) u
                GROUP BY u.barcode HAVING count(*) = 2) o
              WHERE o.barcode NOT IN (SELECT barcode FROM upserted)
                AND o.barcode NOT IN (SELECT barcode FROM own)) AS overtaken`,
    );
    const row = rows[0];
    if (!row || numberOf(row.job_found) === 0) {
      throw new Error(`job ${jobId} of connection ${connectionId} not found`);
    }
    return {
      confirmedUpserted: numberOf(row.confirmed_upserted ?? 0),
      failed,
      raced: barcodeList(row.raced),
      overtaken: barcodeList(row.overtaken),
    };
  }

  async getBarcodeStates(
    connectionId: string,
    barcodes: readonly string[],
    historyLimit: number,
  ): Promise<BarcodeState[]> {
    const wanted = uniqueBarcodes(barcodes);
    const confirmed = new Map<string, ConfirmedValue>();
    const inFlight = new Map<string, InFlightValue>();
    const history = new Map<string, HistoryEntry[]>();
    for (const batch of chunked(wanted, LIST_BATCH_SIZE)) {
      const confirmedRows = await this.db
        .select()
        .from(inventoryConfirmedState)
        .where(
          and(
            eq(inventoryConfirmedState.connectionId, connectionId),
            sql`${inventoryConfirmedState.barcode} IN ${inList(batch)}`,
          ),
        );
      for (const row of confirmedRows) {
        confirmed.set(row.barcode, {
          barcode: row.barcode,
          quantity: row.quantity,
          salePrice: centsOrNull(row.salePrice),
          listPrice: centsOrNull(row.listPrice),
          batchRequestId: row.batchRequestId,
          confirmedAt: toIso(row.confirmedAt),
        });
      }
      const intentRows = await this.db
        .select()
        .from(inventoryIntent)
        .where(
          and(
            eq(inventoryIntent.connectionId, connectionId),
            sql`${inventoryIntent.barcode} IN ${inList(batch)}`,
          ),
        );
      for (const row of intentRows) {
        inFlight.set(row.barcode, { ...toKnownValue(row), acceptedAt: toIso(row.acceptedAt) });
      }
      if (historyLimit <= 0) continue;
      const historyRows = await queryRows(
        this.db,
        sql`
        WITH b AS (SELECT jsonb_array_elements_text(${JSON.stringify(batch)}::jsonb) AS barcode),
        written AS (
          SELECT h.* FROM b
          CROSS JOIN LATERAL (
            SELECT ${HISTORY_COLUMNS} FROM inventory_item_history x
            WHERE x.connection_id = ${connectionId}::text AND x.barcode = b.barcode
            -- NULLS LAST as the index is built (0000_init): ORDER BY id DESC alone means NULLS FIRST,
            -- which the index does not give, so every row of the barcode was read and sorted.
            ORDER BY x.id DESC NULLS LAST
            LIMIT ${historyLimit}::int
          ) h
        ),
        -- Jobs whose pushed entry can be among a barcode's newest n: the jobs of its newest n rows
        -- and its intent's job (pushedEntries).
        candidates AS (
          SELECT barcode, job_id FROM written
          UNION
          SELECT i.barcode, i.job_id FROM inventory_intent i JOIN b ON i.barcode = b.barcode
          WHERE i.connection_id = ${connectionId}::text
        ),
        entries AS (
          SELECT * FROM written
          UNION ALL
          ${pushedEntries(connectionId, sql`SELECT barcode, job_id FROM candidates`)}
        )
        SELECT * FROM (
          SELECT e.*, row_number() OVER (PARTITION BY e.barcode ORDER BY e.id DESC) AS n FROM entries e
        ) ranked
        WHERE n <= ${historyLimit}::int
        ORDER BY barcode, id DESC`,
      );
      for (const row of historyRows) {
        const barcode = stringOf(row.barcode);
        const entries = history.get(barcode) ?? [];
        entries.push({
          barcode,
          event: stringOf(row.event) as HistoryEntry['event'],
          jobId: stringOf(row.job_id),
          batchRequestId: stringOrNull(row.batch_request_id),
          quantity: numberOrNull(row.quantity),
          salePrice: centsOrNull(row.sale_price),
          listPrice: centsOrNull(row.list_price),
          failureReasons: failureReasonsOf(row.failure_reasons),
          at: toIso(row.at),
        });
        history.set(barcode, entries);
      }
    }
    return wanted.map((barcode) => ({
      barcode,
      confirmed: confirmed.get(barcode) ?? null,
      inFlight: inFlight.get(barcode) ?? null,
      history: history.get(barcode) ?? [],
    }));
  }

  async listBarcodes(connectionId: string, after: string | null, limit: number): Promise<string[]> {
    const rows = await queryRows(
      this.db,
      sql`
      SELECT barcode FROM (
        SELECT barcode FROM inventory_intent WHERE connection_id = ${connectionId}::text
        UNION
        SELECT barcode FROM inventory_confirmed_state WHERE connection_id = ${connectionId}::text
      ) b
      WHERE ${after === null ? sql`TRUE` : sql`barcode > ${after}::text`}
      ORDER BY barcode
      LIMIT ${limit}::int`,
    );
    return rows.map((row) => stringOf(row.barcode));
  }
}
