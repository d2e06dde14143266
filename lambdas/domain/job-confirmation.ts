/**
 * What became of a job's values on Trendyol, apart from the seed's `status` (which only says whether
 * Trendyol accepted the chunk). A seller filters on this:
 * - `pending`: accepted (or outcome unknown) and not settled yet;
 * - `confirmed`: every item confirmed (batch result SUCCESS, or read back live);
 * - `partial`: some items confirmed, others failed or never resolved;
 * - `failed`: no item confirmed and at least one failed (or the job itself failed);
 * - `unconfirmed`: nothing could be confirmed nor refused (the result never settled, read-back differs).
 * `null` for jobs that never send anything (dry runs, writes disabled).
 */
export type JobConfirmation = 'pending' | 'confirmed' | 'partial' | 'failed' | 'unconfirmed';

/** Item counts behind a confirmation; `unresolved` = neither confirmed nor failed. */
export interface ConfirmationCounts {
  confirmed: number;
  failed: number;
  unresolved: number;
}

/** Final states: once recorded, a job's confirmation is never rewritten (reads change nothing). */
export function isSettledConfirmation(value: JobConfirmation | null): boolean {
  return value !== null && value !== 'pending';
}

/** The confirmation that item counts add up to (never `pending`: call it once the items are known). */
export function confirmationOf(counts: ConfirmationCounts): Exclude<JobConfirmation, 'pending'> {
  const { confirmed, failed, unresolved } = counts;
  if (confirmed > 0) return failed === 0 && unresolved === 0 ? 'confirmed' : 'partial';
  if (failed > 0) return 'failed';
  return 'unconfirmed';
}
