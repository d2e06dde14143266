/**
 * What GET /v1/inventory/batch/:id returns from Trendyol: only the fields of Trendyol's batch-result shape
 * (trendyol-contract.md, "Batch result"), each only when it has the documented type. Whatever else the
 * far end answered is dropped, so a connection pointed at something that is not Trendyol cannot make ECI
 * relay an arbitrary body (a request log, another seller's headers) to the caller.
 */
export function toBatchView(result: Record<string, unknown>): Record<string, unknown> {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const numOrNull = (v: unknown) => (v === null ? null : num(v));
  const items = Array.isArray(result.items) ? result.items : [];
  const view: Record<string, unknown> = {
    batchRequestId: str(result.batchRequestId),
    items: items.flatMap((raw) => {
      if (!raw || typeof raw !== 'object') return [];
      const item = raw as Record<string, unknown>;
      const request = (item.requestItem ?? {}) as Record<string, unknown>;
      if (typeof request.barcode !== 'string') return [];
      return [
        {
          requestItem: {
            barcode: request.barcode,
            quantity: numOrNull(request.quantity),
            salePrice: numOrNull(request.salePrice),
            listPrice: numOrNull(request.listPrice),
            updateRequestDate: str(request.updateRequestDate),
          },
          status: str(item.status),
          failureReasons: Array.isArray(item.failureReasons)
            ? item.failureReasons.filter((r): r is string => typeof r === 'string')
            : [],
        },
      ];
    }),
    creationDate: num(result.creationDate),
    lastModification: num(result.lastModification),
    sourceType: str(result.sourceType),
    itemCount: num(result.itemCount),
    failedItemCount: num(result.failedItemCount),
    batchRequestType: str(result.batchRequestType),
    _eci: result._eci,
  };
  for (const key of Object.keys(view)) if (view[key] === undefined) delete view[key];
  return view;
}
