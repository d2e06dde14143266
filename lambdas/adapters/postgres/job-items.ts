import { type SQL, sql } from 'drizzle-orm';

/**
 * The items of the jobs that `where` selects (a condition on `jobs j`), as a subquery with one row per
 * item: `connection_id`, `job_id`, `seq`, `created_at`, `ord` (1-based position in the job),
 * `barcode`, `quantity`, `sale_price` and `list_price`. A job's items hold kuruş (integers); the
 * prices come out as numeric(12, 2) lira, as the intent and history tables store them. A field the
 * item omits is NULL.
 *
 * A job's items are what its push accepted, so they are also its `pushed` entries (migration 0008):
 * the push writes no history row per item, and later events (sent, failed, confirmed) copy from here.
 */
export function jobItemRows(where: SQL): SQL {
  return sql`(
    SELECT j.connection_id, j.id AS job_id, j.seq, j.created_at, e.ord, e.item->>'barcode' AS barcode,
           ${itemValues(sql`e.item`)}
    FROM jobs j
    CROSS JOIN LATERAL jsonb_array_elements(j.items) WITH ORDINALITY AS e(item, ord)
    WHERE ${where}
  )`;
}

/**
 * `quantity`, `sale_price` and `list_price` of one job item (a jsonb expression): kuruş in the item,
 * numeric(12, 2) lira out, NULL where the item omits the field.
 */
export function itemValues(item: SQL): SQL {
  return sql`(${item}->>'quantity')::integer AS quantity,
           ((${item}->>'salePrice')::numeric / 100)::numeric(12, 2) AS sale_price,
           ((${item}->>'listPrice')::numeric / 100)::numeric(12, 2) AS list_price`;
}

/**
 * The history columns every timeline query selects, in this order: `id`, `barcode`, `event`,
 * `job_id`, `batch_request_id`, `quantity`, `sale_price`, `list_price`, `failure_reasons`, `at`.
 */
export const HISTORY_COLUMNS = sql.raw(
  'id, barcode, event, job_id, batch_request_id, quantity, sale_price, list_price, failure_reasons, at',
);

/**
 * The condition that job `jobId` has no `pushed` history row of its own for `barcode` (both SQL
 * expressions). Such rows are written only in rare cases (before migration 0008, a push that lost a
 * race, a barcode a released scheduled job dropped), and every writer and reader of `pushed` entries
 * checks this so none is written or shown twice; one probe of the partial (job_id, barcode) index.
 */
export function hasNoPushedRow(jobId: SQL, barcode: SQL): SQL {
  return sql`NOT EXISTS (
    SELECT 1 FROM inventory_item_history w
    WHERE w.job_id = ${jobId} AND w.barcode = ${barcode} AND w.event = 'pushed'
  )`;
}

/**
 * The `pushed` entries (in {@link HISTORY_COLUMNS}) of the jobs named in `candidates` (a query whose
 * rows have `barcode` and `job_id`) for those barcodes of connection `connectionId`: each is the job's
 * item, at the job's seq as id and its creation as `at`, for a job that recorded intents and has no
 * `pushed` row of its own for that barcode (rows written before migration 0008, a push that lost a
 * race, a scheduled job narrowed before release).
 *
 * Which jobs are candidates (the caller's part): a job that pushed a barcode is either the barcode's
 * intent's job, or has a later event for it (superseded, sent, failed) with a higher id than its seq.
 * So the job ids of a barcode's history rows above some id plus its intent's job name every job whose
 * `pushed` entry lies above that id; for the newest n entries, the job ids of the newest n rows do.
 */
export function pushedEntries(connectionId: string, candidates: SQL): SQL {
  return sql`
    SELECT p.seq AS id, p.barcode, 'pushed'::text AS event, p.job_id, NULL::text AS batch_request_id,
           p.quantity, p.sale_price, p.list_price, NULL::jsonb AS failure_reasons, p.created_at AS at
    -- Each candidate job's items expanded once (OFFSET 0 keeps the planner from pulling the expansion
    -- into a loop over the candidates, which expanded a job once per barcode of it), then joined.
    FROM (SELECT * FROM ${jobItemRows(sql`j.id IN (SELECT c.job_id FROM (${candidates}) c) AND j.records_intent`)} items
          OFFSET 0) p
    JOIN (SELECT DISTINCT c0.barcode, c0.job_id FROM (${candidates}) c0) c ON c.job_id = p.job_id AND c.barcode = p.barcode
    WHERE p.connection_id = ${connectionId}::text
      AND ${hasNoPushedRow(sql`p.job_id`, sql`p.barcode`)}`;
}
