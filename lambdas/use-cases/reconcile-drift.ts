import { decideDrift, READ_BACK_BARCODES_PER_CALL } from '../domain/drift';
import type { DriftRecord } from '../ports/catalog';
import type { MarketplaceClient } from '../ports/marketplace';
import type { RateLimiter } from '../ports/rate-limiter';
import type { Connection } from '../ports/repositories';
import type { SecretStore } from '../ports/secret-store';
import { type PushDeps, pushItems } from './push-inventory';
import { acquireReadSlot } from './read-budget';

/** Confirmed barcodes read back per connection and run: 20 calls of 50, a sliver of the read group. */
export const RECONCILE_BARCODES_PER_RUN = 1000;

export interface ReconcileDeps extends PushDeps {
  marketplace: MarketplaceClient;
  secrets: SecretStore;
  rateLimiter: RateLimiter;
  /** `DriftFound` (dimension `kind`: price|stock) is counted here when given. */
  metrics?: { count(name: string, value: number, dimensions?: Record<string, string>): void };
}

/** What one connection's reconciliation did. */
export interface ReconcileReport {
  connectionId: string;
  checkedCount: number;
  priceDriftCount: number;
  stockDriftCount: number;
  correctedCount: number;
  /** Why the run stopped early (read budget used up, Trendyol unreachable); the next run continues. */
  stoppedBecause?: string;
}

/**
 * Reads back (Trendyol `approved/inventory-and-price`, ≤ 50 barcodes per call, within the read
 * group's budget) the next slice of a connection's confirmed barcodes, rotating through them run
 * after run, and lists every live value that differs from what Trendyol confirmed. Barcodes with a
 * value in flight are skipped (they are meant to differ for a moment). A drifted price is sent again
 * with the seller's value when the connection's `driftPolicy` is `correct`; stock lowered by orders
 * is only reported.
 */
export async function reconcileConnection(
  deps: ReconcileDeps,
  connection: Connection,
  maxBarcodes = RECONCILE_BARCODES_PER_RUN,
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    connectionId: connection.id,
    checkedCount: 0,
    priceDriftCount: 0,
    stockDriftCount: 0,
    correctedCount: 0,
  };
  const settings = await deps.catalog.getSettings(connection.id);
  let after = await deps.catalog.getReconcileCursor(connection.id);
  let confirmed = await deps.catalog.listConfirmed(connection.id, after, maxBarcodes);
  if (confirmed.length === 0 && after !== null) {
    after = null; // the rotation came round: start again from the first barcode
    confirmed = await deps.catalog.listConfirmed(connection.id, null, maxBarcodes);
  }
  if (confirmed.length === 0) return report;
  const known = await deps.inventory.findKnownValues(
    connection.id,
    confirmed.map((c) => c.barcode),
  );
  const settled = new Set(
    confirmed.filter((c) => {
      const status = known.get(c.barcode)?.status;
      return status === undefined || status === 'confirmed';
    }),
  );
  const credentials = await deps.secrets.get(connection.secretRef);
  const checked: string[] = [];
  const found: DriftRecord[] = [];
  let lastDone: string | null = after;
  const now = deps.clock.now();
  for (let start = 0; start < confirmed.length; start += READ_BACK_BARCODES_PER_CALL) {
    const slice = confirmed.slice(start, start + READ_BACK_BARCODES_PER_CALL);
    const page = slice.filter((c) => settled.has(c));
    if (page.length > 0) {
      // One try, no waiting: a scheduled run that finds the budget in use stops and resumes next run.
      if (!(await acquireReadSlot(deps, connection, 'read-back', deps.clock.now().getTime()))) {
        report.stoppedBecause = 'read budget used up for now';
        break;
      }
      const outcome = await deps.marketplace.readBack(
        connection,
        credentials,
        page.map((c) => c.barcode),
      );
      if (outcome.kind !== 'found') {
        report.stoppedBecause = `read-back answered ${outcome.kind}`;
        break;
      }
      const live = new Map(outcome.values.map((v) => [v.barcode, v]));
      for (const value of page) {
        const current = live.get(value.barcode);
        // Not returned: archived, blacklisted or no longer approved; not a value to compare.
        if (!current) continue;
        checked.push(value.barcode);
        // Where writes are off nothing could be corrected: report only.
        const decision = decideDrift(value, current, deps.writeEnabledEnv ? settings.driftPolicy : 'report');
        if (!decision.drift) continue;
        found.push({
          barcode: value.barcode,
          kind: decision.kind,
          confirmed: { quantity: value.quantity, salePrice: value.salePrice, listPrice: value.listPrice },
          live: { quantity: current.quantity, salePrice: current.salePrice, listPrice: current.listPrice },
          action: decision.action,
          detectedAt: now.toISOString(),
        });
      }
    }
    lastDone = slice.at(-1)?.barcode ?? lastDone;
  }
  await deps.catalog.saveDrift(connection.id, checked, found);
  const reachedEnd = lastDone === confirmed.at(-1)?.barcode && confirmed.length < maxBarcodes;
  await deps.catalog.setReconcileCursor(connection.id, reachedEnd ? null : lastDone, deps.clock.now());

  report.checkedCount = checked.length;
  report.priceDriftCount = found.filter((d) => d.kind === 'price').length;
  report.stockDriftCount = found.filter((d) => d.kind === 'stock').length;
  if (report.priceDriftCount > 0)
    deps.metrics?.count('DriftFound', report.priceDriftCount, { kind: 'price' });
  if (report.stockDriftCount > 0)
    deps.metrics?.count('DriftFound', report.stockDriftCount, { kind: 'stock' });

  const corrections = found.filter((d) => d.action === 'corrected');
  if (corrections.length > 0 && connection.status === 'active') {
    // The confirmed intents become `failed` (with the reason in their history), so the push core's
    // diff sends the seller's price again; quantity is left out: orders own the live stock.
    await deps.inventory.markDrifted(
      connection.id,
      corrections.map((d) => d.barcode),
      'Trendyol shows another price than it confirmed (drift); the seller’s price is sent again.',
      deps.clock.now(),
    );
    const result = await pushItems(
      deps,
      connection,
      corrections.map((d) => ({
        barcode: d.barcode,
        ...(d.confirmed.salePrice !== null && { salePrice: d.confirmed.salePrice }),
        ...(d.confirmed.listPrice !== null && { listPrice: d.confirmed.listPrice }),
      })),
      { dryRun: false, force: false, forceWrite: false },
    );
    report.correctedCount = result.body.changedCount;
  }
  return report;
}

/** Every active connection's next slice; one connection's failure never stops the others. */
export async function reconcileAll(deps: ReconcileDeps): Promise<ReconcileReport[]> {
  const reports: ReconcileReport[] = [];
  for (const connection of await deps.connections.list()) {
    if (connection.status !== 'active') continue;
    try {
      reports.push(await reconcileConnection(deps, connection));
    } catch (error) {
      reports.push({
        connectionId: connection.id,
        checkedCount: 0,
        priceDriftCount: 0,
        stockDriftCount: 0,
        correctedCount: 0,
        stoppedBecause: (error as Error).message,
      });
    }
  }
  return reports;
}
