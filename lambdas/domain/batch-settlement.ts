/** Trendyol keeps batch results for 4 hours after submission. */
export const BATCH_RESULT_RETENTION_MS = 4 * 60 * 60 * 1000;
/** Polling stops this long before the results expire, leaving time for a read-back. */
export const POLL_DEADLINE_MS = BATCH_RESULT_RETENTION_MS - 10 * 60 * 1000;

/**
 * Waits between polls, after the first one. Most batches settle within seconds and the first
 * poll keeps polling inside its invocation for a few seconds, so the long waits only serve the rare
 * slow batch; each loop costs 3 Step Functions transitions, hence the fast back-off.
 */
export const POLL_WAITS_SECONDS = [10, 30, 60, 120, 300, 600, 900] as const;

export interface BatchItemStatus {
  barcode: string;
  status: string;
}

/**
 * A stock/price batch has no top-level status: it is settled when every requested barcode is
 * present with a final status (SUCCESS or FAILED).
 */
export function isBatchSettled(requested: readonly string[], items: readonly BatchItemStatus[]): boolean {
  const final = new Set(
    items.filter((i) => i.status === 'SUCCESS' || i.status === 'FAILED').map((i) => i.barcode),
  );
  return requested.every((barcode) => final.has(barcode));
}

/**
 * Seconds to wait before poll number `attempt + 1`, or null when no further poll fits before the
 * deadline (the batch then ends unconfirmed and is checked through read-back).
 */
export function nextPollWaitSeconds(attempt: number, submittedAt: Date, now: Date): number | null {
  const wait = POLL_WAITS_SECONDS[Math.min(attempt - 1, POLL_WAITS_SECONDS.length - 1)] ?? 900;
  const deadline = submittedAt.getTime() + POLL_DEADLINE_MS;
  const remainingMs = deadline - now.getTime();
  if (remainingMs <= 0) return null;
  return Math.max(1, Math.min(wait, Math.floor(remainingMs / 1000)));
}

/**
 * How long a batch result may go on not listing a requested item, once every item it does list is
 * final, before the missing ones are resolved by read-back instead (finding: items a result never
 * reports must not wait for the 4-hour limit). Trendyol processes within seconds.
 */
export const MISSING_ITEM_GRACE_MS = 2 * 60 * 1000;

/** Trendyol echoes barcodes in its own form ("ABC 123" is joined on import): compare without spaces. */
export function sameBarcode(value: string): string {
  return value.replace(/\s+/g, '');
}

export interface SettledItem {
  barcode: string;
  status: 'SUCCESS' | 'FAILED';
  failureReasons: string[];
}

/** What one look at a batch result settles. */
export type BatchReading =
  /** Every requested item is final, or the grace for missing items has passed. */
  | { kind: 'settled'; results: SettledItem[]; missing: string[] }
  /** Still processing: the final items listed so far (safe to record now) and how many are open. */
  | { kind: 'pending'; results: SettledItem[]; open: number };

/**
 * Reads a batch result against the barcodes the job sent. Results are matched on the barcode ECI
 * sent (echoes are compared without inner spaces) and keyed back to it; items not requested are
 * ignored. Missing items hold the batch back only for `MISSING_ITEM_GRACE_MS` after submission, and
 * only while some listed item is still not final (an empty result is a batch still processing).
 */
export function readBatchResult(input: {
  requested: readonly string[];
  items: readonly { barcode: string; status: string; failureReasons?: readonly string[] }[];
  submittedAt: Date;
  now: Date;
}): BatchReading {
  const byKey = new Map<string, string>();
  for (const barcode of input.requested) byKey.set(sameBarcode(barcode), barcode);
  const results: SettledItem[] = [];
  const seen = new Set<string>();
  let notFinal = 0;
  for (const item of input.items) {
    const barcode = byKey.get(sameBarcode(item.barcode));
    if (barcode === undefined || seen.has(barcode)) continue;
    if (item.status === 'SUCCESS' || item.status === 'FAILED') {
      seen.add(barcode);
      results.push({ barcode, status: item.status, failureReasons: [...(item.failureReasons ?? [])] });
    } else {
      notFinal += 1;
    }
  }
  const missing = input.requested.filter((b) => !seen.has(b));
  if (missing.length === 0) return { kind: 'settled', results, missing: [] };
  const graceOver = input.now.getTime() - input.submittedAt.getTime() >= MISSING_ITEM_GRACE_MS;
  if (graceOver && results.length > 0 && notFinal === 0) return { kind: 'settled', results, missing };
  return { kind: 'pending', results, open: missing.length };
}
