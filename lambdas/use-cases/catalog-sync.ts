import type { InventoryItem } from '../domain/inventory-item';
import { MAX_ITEMS_PER_PUSH } from '../domain/inventory-item';
import { centsToDecimalString } from '../domain/money';
import { type PushDeps, pushInventory } from './push-inventory';

export interface CatalogSyncReport {
  connectionId: string;
  retried: number;
  enqueuedCount: number;
  error?: string;
}

/**
 * The scheduled sync. ECI's catalog for a seller is the latest value it accepted per barcode; the
 * sync pushes again every value whose last send failed (an outage, a throttled hour, credentials
 * fixed since), so Trendyol converges on what the seller wants without anyone re-pushing by hand.
 * It goes through the same push use case, so validation, diff, dedup and write gating all apply.
 */
export async function syncCatalog(
  deps: PushDeps,
  limitPerConnection = MAX_ITEMS_PER_PUSH,
): Promise<CatalogSyncReport[]> {
  const reports: CatalogSyncReport[] = [];
  for (const connection of await deps.connections.list()) {
    if (connection.status !== 'active') continue;
    const failed = await deps.inventory.listFailedIntents(connection.id, limitPerConnection);
    if (failed.length === 0) continue;
    const items: Array<Record<string, unknown>> = failed.map((value) => {
      const item: InventoryItem = {
        barcode: value.barcode,
        ...(value.quantity !== null && { quantity: value.quantity }),
        ...(value.salePrice !== null && { salePrice: value.salePrice }),
        ...(value.listPrice !== null && { listPrice: value.listPrice }),
      };
      // The push use case takes the wire shape: prices as decimal strings (never floats).
      return {
        barcode: item.barcode,
        ...(item.quantity !== undefined && { quantity: item.quantity }),
        ...(item.salePrice !== undefined && { salePrice: centsToDecimalString(item.salePrice) }),
        ...(item.listPrice !== undefined && { listPrice: centsToDecimalString(item.listPrice) }),
      };
    });
    try {
      const result = await pushInventory(
        deps,
        { connectionId: connection.id, items },
        { dryRun: false, force: false, forceWrite: false },
      );
      reports.push({
        connectionId: connection.id,
        retried: failed.length,
        enqueuedCount: result.body.enqueuedCount,
      });
    } catch (error) {
      // One seller's problem (e.g. a validation rule tightened since) must not stop the others.
      reports.push({
        connectionId: connection.id,
        retried: 0,
        enqueuedCount: 0,
        error: (error as Error).message,
      });
    }
  }
  return reports;
}
