import { sql } from 'drizzle-orm';
import type { ProductVariant } from '../../domain/catalog';
import { type ConnectionSettings, withDefaults } from '../../domain/connection-settings';
import type { HeldValue, HoldReason } from '../../domain/guards';
import type { InventoryItem } from '../../domain/inventory-item';
import type { CatalogRepository, DriftRecord, StoredHold } from '../../ports/catalog';
import type { Database } from './database';
import {
  byteBatches,
  centsOrNull,
  chunked,
  decimalOrNull,
  jsonOf,
  LIST_BATCH_SIZE,
  numberOf,
  numberOrNull,
  queryRows,
  type Row,
  stringOf,
  toIso,
  toIsoOrNull,
} from './rows';

/** Rows per upsert statement: ~100 bytes of JSON each keeps one Data API request far below its limits. */
const UPSERT_BATCH_SIZE = 1_000;

const inList = (list: readonly string[]) =>
  sql`(SELECT jsonb_array_elements_text(${JSON.stringify([...new Set(list)])}::jsonb))`;

function toVariant(row: Row): ProductVariant {
  return {
    barcode: stringOf(row.barcode),
    quantity: numberOrNull(row.quantity),
    salePrice: centsOrNull(row.sale_price),
    listPrice: centsOrNull(row.list_price),
    updatedAt: toIso(row.updated_at),
  };
}

function toHold(row: Row): StoredHold {
  return {
    barcode: stringOf(row.barcode),
    salePrice: centsOrNull(row.sale_price),
    listPrice: centsOrNull(row.list_price),
    reason: stringOf(row.reason) as HoldReason,
    message: stringOf(row.message),
    referenceSalePrice: centsOrNull(row.reference_sale_price),
    retryAt: toIsoOrNull(row.retry_at),
    heldAt: toIso(row.held_at),
  };
}

export class PostgresCatalogRepository implements CatalogRepository {
  constructor(private readonly db: Database) {}

  async upsertVariants(connectionId: string, variants: readonly InventoryItem[], now: Date): Promise<number> {
    const at = now.toISOString();
    let changed = 0;
    for (const batch of chunked(variants, UPSERT_BATCH_SIZE)) {
      const json = JSON.stringify(
        batch.map((v) => ({
          barcode: v.barcode,
          quantity: v.quantity ?? null,
          sale_price: decimalOrNull(v.salePrice),
          list_price: decimalOrNull(v.listPrice),
        })),
      );
      const rows = await queryRows(
        this.db,
        sql`
        INSERT INTO product_variant AS v (connection_id, barcode, quantity, sale_price, list_price, updated_at)
        SELECT ${connectionId}::text, x.barcode, x.quantity, x.sale_price, x.list_price, ${at}::timestamptz
        FROM jsonb_to_recordset(${json}::jsonb)
          AS x(barcode text, quantity integer, sale_price numeric, list_price numeric)
        ON CONFLICT (connection_id, barcode) DO UPDATE SET
          quantity = COALESCE(excluded.quantity, v.quantity),
          sale_price = COALESCE(excluded.sale_price, v.sale_price),
          list_price = COALESCE(excluded.list_price, v.list_price),
          updated_at = excluded.updated_at
        -- an unchanged row keeps its updatedAt, so it says when the seller last changed something
        WHERE (excluded.quantity IS NOT NULL AND excluded.quantity IS DISTINCT FROM v.quantity)
           OR (excluded.sale_price IS NOT NULL AND excluded.sale_price IS DISTINCT FROM v.sale_price)
           OR (excluded.list_price IS NOT NULL AND excluded.list_price IS DISTINCT FROM v.list_price)
        RETURNING 1 AS one`,
      );
      changed += rows.length;
    }
    return changed;
  }

  async listVariants(
    connectionId: string,
    options: { after: string | null; barcode?: string; limit: number },
  ): Promise<ProductVariant[]> {
    const rows = await queryRows(
      this.db,
      sql`
      SELECT barcode, quantity, sale_price, list_price, updated_at FROM product_variant
      WHERE connection_id = ${connectionId}::text
        ${options.after !== null ? sql`AND barcode > ${options.after}::text` : sql``}
        ${options.barcode !== undefined ? sql`AND barcode = ${options.barcode}::text` : sql``}
      ORDER BY barcode
      LIMIT ${options.limit}::integer`,
    );
    return rows.map(toVariant);
  }

  async getVariants(connectionId: string, barcodes: readonly string[]): Promise<Map<string, ProductVariant>> {
    const out = new Map<string, ProductVariant>();
    for (const batch of chunked([...new Set(barcodes)], LIST_BATCH_SIZE)) {
      const rows = await queryRows(
        this.db,
        sql`SELECT barcode, quantity, sale_price, list_price, updated_at FROM product_variant
            WHERE connection_id = ${connectionId}::text AND barcode IN ${inList(batch)}`,
      );
      for (const row of rows) out.set(stringOf(row.barcode), toVariant(row));
    }
    return out;
  }

  async getSettings(connectionId: string): Promise<ConnectionSettings> {
    const rows = await queryRows(
      this.db,
      sql`SELECT settings FROM connection_settings WHERE connection_id = ${connectionId}::text`,
    );
    const stored = rows[0] ? (jsonOf(rows[0].settings) as Partial<ConnectionSettings>) : undefined;
    return withDefaults(stored);
  }

  async saveSettings(
    connectionId: string,
    patch: Partial<ConnectionSettings>,
    now: Date,
  ): Promise<ConnectionSettings> {
    const rows = await queryRows(
      this.db,
      sql`
      INSERT INTO connection_settings AS s (connection_id, settings, updated_at)
      VALUES (${connectionId}::text, ${JSON.stringify(patch)}::jsonb, ${now.toISOString()}::timestamptz)
      ON CONFLICT (connection_id) DO UPDATE SET
        settings = s.settings || excluded.settings, updated_at = excluded.updated_at
      RETURNING settings`,
    );
    return withDefaults(jsonOf(rows[0]?.settings) as Partial<ConnectionSettings>);
  }

  async saveHolds(
    connectionId: string,
    holds: readonly HeldValue[],
    pushId: string,
    now: Date,
  ): Promise<void> {
    const at = now.toISOString();
    for (const batch of chunked(holds, UPSERT_BATCH_SIZE)) {
      const json = JSON.stringify(
        batch.map((h) => ({
          barcode: h.barcode,
          sale_price: decimalOrNull(h.salePrice),
          list_price: decimalOrNull(h.listPrice),
          reason: h.reason,
          message: h.message,
          reference_sale_price: decimalOrNull(h.referenceSalePrice),
          retry_at: h.retryAtMs === null ? null : new Date(h.retryAtMs).toISOString(),
        })),
      );
      await this.db.execute(sql`
        WITH x AS (
          SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS x(barcode text, sale_price numeric,
            list_price numeric, reason text, message text, reference_sale_price numeric, retry_at timestamptz)
        ), saved AS (
          INSERT INTO inventory_hold AS h (connection_id, barcode, sale_price, list_price, reason, message,
            reference_sale_price, retry_at, held_at)
          SELECT ${connectionId}::text, barcode, sale_price, list_price, reason, message, reference_sale_price,
                 retry_at, ${at}::timestamptz FROM x
          ON CONFLICT (connection_id, barcode) DO UPDATE SET sale_price = excluded.sale_price,
            list_price = excluded.list_price, reason = excluded.reason, message = excluded.message,
            reference_sale_price = excluded.reference_sale_price, retry_at = excluded.retry_at,
            held_at = excluded.held_at
          RETURNING 1
        )
        INSERT INTO inventory_item_history
          (connection_id, barcode, event, job_id, quantity, sale_price, list_price, failure_reasons, at)
        SELECT ${connectionId}::text, barcode, CASE WHEN reason = 'PRICE_BUDGET' THEN 'deferred' ELSE 'held' END,
               ${pushId}::text, NULL, sale_price, list_price, jsonb_build_array(reason || ': ' || message),
               ${at}::timestamptz
        FROM x
        ON CONFLICT DO NOTHING`);
    }
  }

  async recordApprovals(
    connectionId: string,
    items: readonly InventoryItem[],
    pushId: string,
    now: Date,
  ): Promise<void> {
    if (items.length === 0) return;
    const json = JSON.stringify(
      items.map((i) => ({
        barcode: i.barcode,
        sale_price: decimalOrNull(i.salePrice ?? null),
        list_price: decimalOrNull(i.listPrice ?? null),
      })),
    );
    await this.db.execute(sql`
      INSERT INTO inventory_item_history
        (connection_id, barcode, event, job_id, quantity, sale_price, list_price, failure_reasons, at)
      SELECT ${connectionId}::text, barcode, 'approved', ${pushId}::text, NULL, sale_price, list_price, NULL,
             ${now.toISOString()}::timestamptz
      FROM jsonb_to_recordset(${json}::jsonb) AS x(barcode text, sale_price numeric, list_price numeric)
      ON CONFLICT DO NOTHING`);
  }

  async clearHolds(connectionId: string, barcodes: readonly string[]): Promise<number> {
    let cleared = 0;
    // Counted in the database, so the answer is one row however many holds go.
    for (const batch of byteBatches([...new Set(barcodes)])) {
      const rows = await queryRows(
        this.db,
        sql`WITH cleared AS (
              DELETE FROM inventory_hold WHERE connection_id = ${connectionId}::text
              AND barcode IN ${inList(batch)} RETURNING 1
            )
            SELECT count(*) AS n FROM cleared`,
      );
      cleared += numberOf(rows[0]?.n ?? 0);
    }
    return cleared;
  }

  async countHolds(connectionId: string): Promise<number> {
    const rows = await queryRows(
      this.db,
      sql`SELECT count(*) AS n FROM inventory_hold WHERE connection_id = ${connectionId}::text`,
    );
    return numberOf(rows[0]?.n ?? 0);
  }

  async listHolds(
    connectionId: string,
    options: { kind?: 'guard' | 'budget'; barcodes?: readonly string[]; after: string | null; limit: number },
  ): Promise<StoredHold[]> {
    const kind =
      options.kind === 'budget'
        ? sql`AND reason = 'PRICE_BUDGET'`
        : options.kind === 'guard'
          ? sql`AND reason <> 'PRICE_BUDGET'`
          : sql``;
    const rows = await queryRows(
      this.db,
      sql`
      SELECT barcode, sale_price, list_price, reason, message, reference_sale_price, retry_at, held_at
      FROM inventory_hold
      WHERE connection_id = ${connectionId}::text ${kind}
        ${options.barcodes !== undefined ? sql`AND barcode IN ${inList(options.barcodes)}` : sql``}
        ${options.after !== null ? sql`AND barcode > ${options.after}::text` : sql``}
      ORDER BY barcode
      LIMIT ${options.limit}::integer`,
    );
    return rows.map(toHold);
  }

  async listConfirmed(connectionId: string, after: string | null, limit: number) {
    const rows = await queryRows(
      this.db,
      sql`SELECT barcode, quantity, sale_price, list_price FROM inventory_confirmed_state
          WHERE connection_id = ${connectionId}::text
            ${after !== null ? sql`AND barcode > ${after}::text` : sql``}
          ORDER BY barcode LIMIT ${limit}::integer`,
    );
    return rows.map((row) => ({
      barcode: stringOf(row.barcode),
      quantity: numberOrNull(row.quantity),
      salePrice: centsOrNull(row.sale_price),
      listPrice: centsOrNull(row.list_price),
    }));
  }

  async getReconcileCursor(connectionId: string): Promise<string | null> {
    const rows = await queryRows(
      this.db,
      sql`SELECT reconcile_after FROM connection_settings WHERE connection_id = ${connectionId}::text`,
    );
    const value = rows[0]?.reconcile_after;
    return typeof value === 'string' ? value : null;
  }

  async setReconcileCursor(connectionId: string, after: string | null, now: Date): Promise<void> {
    await this.db.execute(sql`
      INSERT INTO connection_settings AS s (connection_id, settings, reconcile_after, updated_at)
      VALUES (${connectionId}::text, '{}'::jsonb, ${after}::text, ${now.toISOString()}::timestamptz)
      ON CONFLICT (connection_id) DO UPDATE SET reconcile_after = excluded.reconcile_after`);
  }

  async saveDrift(
    connectionId: string,
    checked: readonly string[],
    found: readonly DriftRecord[],
  ): Promise<void> {
    const still = new Set(found.map((d) => d.barcode));
    const settled = checked.filter((b) => !still.has(b));
    if (settled.length > 0) {
      await this.db.execute(
        sql`DELETE FROM inventory_drift WHERE connection_id = ${connectionId}::text AND barcode IN ${inList(settled)}`,
      );
    }
    if (found.length === 0) return;
    const json = JSON.stringify(
      found.map((d) => ({
        barcode: d.barcode,
        kind: d.kind,
        confirmed_quantity: d.confirmed.quantity,
        confirmed_sale_price: decimalOrNull(d.confirmed.salePrice),
        confirmed_list_price: decimalOrNull(d.confirmed.listPrice),
        live_quantity: d.live.quantity,
        live_sale_price: decimalOrNull(d.live.salePrice),
        live_list_price: decimalOrNull(d.live.listPrice),
        action: d.action,
        detected_at: d.detectedAt,
      })),
    );
    // History first, while inventory_drift still holds what the previous pass saw: only a new drift,
    // or one whose live value moved, becomes a timeline entry (not every hourly pass).
    await this.db.execute(sql`
      INSERT INTO inventory_item_history
        (connection_id, barcode, event, job_id, quantity, sale_price, list_price, failure_reasons, at)
      SELECT ${connectionId}::text, x.barcode, 'drift', 'drift:' || x.detected_at, x.live_quantity,
             x.live_sale_price, x.live_list_price,
             jsonb_build_array(x.kind || ' drift: Trendyol holds another value than it confirmed (' || x.action || ')'),
             x.detected_at::timestamptz
      FROM jsonb_to_recordset(${json}::jsonb) AS x(barcode text, kind text, live_quantity integer,
        live_sale_price numeric, live_list_price numeric, action text, detected_at text)
      WHERE NOT EXISTS (
        SELECT 1 FROM inventory_drift d
        WHERE d.connection_id = ${connectionId}::text AND d.barcode = x.barcode
          AND d.live_quantity IS NOT DISTINCT FROM x.live_quantity
          AND d.live_sale_price IS NOT DISTINCT FROM x.live_sale_price
          AND d.live_list_price IS NOT DISTINCT FROM x.live_list_price)
      ON CONFLICT DO NOTHING`);
    await this.db.execute(sql`
      INSERT INTO inventory_drift (connection_id, barcode, kind, confirmed_quantity, confirmed_sale_price,
        confirmed_list_price, live_quantity, live_sale_price, live_list_price, action, detected_at)
      SELECT ${connectionId}::text, barcode, kind, confirmed_quantity, confirmed_sale_price, confirmed_list_price,
             live_quantity, live_sale_price, live_list_price, action, detected_at
      FROM jsonb_to_recordset(${json}::jsonb) AS x(barcode text, kind text, confirmed_quantity integer,
        confirmed_sale_price numeric, confirmed_list_price numeric, live_quantity integer, live_sale_price numeric,
        live_list_price numeric, action text, detected_at timestamptz)
      -- a drift seen again keeps when it was first detected
      ON CONFLICT (connection_id, barcode) DO UPDATE SET kind = excluded.kind,
        confirmed_quantity = excluded.confirmed_quantity, confirmed_sale_price = excluded.confirmed_sale_price,
        confirmed_list_price = excluded.confirmed_list_price, live_quantity = excluded.live_quantity,
        live_sale_price = excluded.live_sale_price, live_list_price = excluded.live_list_price,
        action = excluded.action`);
  }

  async listDrift(connectionId: string, after: string | null, limit: number): Promise<DriftRecord[]> {
    const rows = await queryRows(
      this.db,
      sql`SELECT * FROM inventory_drift WHERE connection_id = ${connectionId}::text
          ${after !== null ? sql`AND barcode > ${after}::text` : sql``}
          ORDER BY barcode LIMIT ${limit}::integer`,
    );
    return rows.map((row) => ({
      barcode: stringOf(row.barcode),
      kind: stringOf(row.kind) as DriftRecord['kind'],
      confirmed: {
        quantity: numberOrNull(row.confirmed_quantity),
        salePrice: centsOrNull(row.confirmed_sale_price),
        listPrice: centsOrNull(row.confirmed_list_price),
      },
      live: {
        quantity: numberOrNull(row.live_quantity),
        salePrice: centsOrNull(row.live_sale_price),
        listPrice: centsOrNull(row.live_list_price),
      },
      action: stringOf(row.action) as DriftRecord['action'],
      detectedAt: toIso(row.detected_at),
    }));
  }

  async driftSummary(connectionId: string) {
    const rows = await queryRows(
      this.db,
      sql`SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'price') AS price,
                 count(*) FILTER (WHERE kind = 'stock') AS stock, max(detected_at) AS last
          FROM inventory_drift WHERE connection_id = ${connectionId}::text`,
    );
    const row = rows[0] ?? {};
    return {
      count: numberOf(row.n ?? 0),
      price: numberOf(row.price ?? 0),
      stock: numberOf(row.stock ?? 0),
      lastDetectedAt: toIsoOrNull(row.last),
    };
  }
}
