import { normalizeBarcode } from '../domain/barcode';
import { centsToJsonNumber } from '../domain/money';
import { ValidationError } from '../domain/validation-error';
import type { InventoryStateFilter, PushReadRepository } from '../ports/push-reads';
import type { BarcodeState, ConnectionRepository, InventoryRepository } from '../ports/repositories';
import { requireConnection } from './connections';

const HISTORY_LIMIT = 50;
const PAGE_SIZE = 100;

function price(cents: number | null): number | null {
  return cents === null ? null : Number(centsToJsonNumber(cents));
}

function toView(state: BarcodeState) {
  const money = <T extends { salePrice: number | null; listPrice: number | null }>(v: T) => ({
    ...v,
    salePrice: price(v.salePrice),
    listPrice: price(v.listPrice),
  });
  return {
    barcode: state.barcode,
    confirmed: state.confirmed && money(state.confirmed),
    inFlight: state.inFlight && state.inFlight.status !== 'confirmed' ? money(state.inFlight) : null,
    history: state.history.map(money),
  };
}

/** GET /v1/inventory/state: what Trendyol confirmed per barcode, what is on its way, and how it got there. */
export async function getInventoryState(
  deps: { connections: ConnectionRepository; inventory: InventoryRepository; pushReads: PushReadRepository },
  query: { connectionId?: string; barcode?: string; after?: string; state?: InventoryStateFilter },
) {
  if (query.barcode !== undefined && query.state !== undefined) {
    throw new ValidationError('Give barcode or state, not both.', [
      { path: 'query.state', message: 'cannot be combined with barcode' },
    ]);
  }
  if (!query.connectionId) {
    throw new ValidationError('connectionId is required.', [
      { path: 'connectionId', message: 'is required' },
    ]);
  }
  const connection = await requireConnection(deps, query.connectionId);
  const barcodes = query.barcode
    ? [normalizeBarcode(query.barcode)]
    : query.state
      ? // Only the barcodes in that state (failed, scheduled, unconfirmed, held, drifted), same paging and shape.
        await deps.pushReads.listBarcodesInState(connection.id, query.state, query.after ?? null, PAGE_SIZE)
      : await deps.inventory.listBarcodes(connection.id, query.after ?? null, PAGE_SIZE);
  const states = await deps.inventory.getBarcodeStates(connection.id, barcodes, HISTORY_LIMIT);
  const last = barcodes.length === PAGE_SIZE ? barcodes[barcodes.length - 1] : undefined;
  return {
    connectionId: connection.id,
    items: states.map(toView),
    ...(query.state && { state: query.state }),
    ...(last !== undefined && !query.barcode && { nextAfter: last }),
  };
}
