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
