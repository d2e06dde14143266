import { REVERT_MARGIN_MS } from './dedup-decision';
import { DEDUP_WINDOW_MS } from './inventory-item';

/**
 * Resolving a send whose outcome is unknown (Trendyol refused a repeat of the body, answered 200
 * without a batchRequestId, or the answer was lost). Trendyol applies a queued body within seconds
 * (trendyol-contract.md, "near real time"), so the live values are read back a little later and
 * again over the next two minutes; what is live is confirmed. After that window only values still
 * different (and not overtaken by a newer push) are sent again, once Trendyol's 15-minute window for
 * the identical body has passed.
 */

/** First read-back after the unknown outcome, and the pause between read-backs (ms). */
export const READ_BACK_DELAY_MS = 20_000;
/** How long read-backs go on before the values still different are sent again (ms). */
export const READ_BACK_WINDOW_MS = 2 * 60 * 1000;

/** Kept in the job's summary as `outcomeUnknown` while the outcome is being resolved. */
export interface UnknownOutcomeMarker {
  /**
   * The latest time Trendyol may have accepted the body (its 15-minute window for the identical body
   * runs from then at the latest); null when it is known not to have taken it.
   */
  windowFrom: string | null;
  /** Read-backs stop at this time. */
  resolveUntil: string;
  reason: string;
  /** Set once the read-back window is over and the job waits to be sent again. */
  resend?: true;
}

/** Starts a resolution: the marker and when the first read-back is due. */
export function startUnknownOutcome(input: { windowFrom: Date | null; reason: string; now: Date }): {
  marker: UnknownOutcomeMarker;
  firstReadAt: Date;
} {
  const now = input.now.getTime();
  return {
    marker: {
      windowFrom: input.windowFrom ? input.windowFrom.toISOString() : null,
      resolveUntil: new Date(now + READ_BACK_WINDOW_MS).toISOString(),
      reason: input.reason,
    },
    firstReadAt: new Date(now + READ_BACK_DELAY_MS),
  };
}

export type UnknownOutcomeStep =
  /** Every value still owned by the job is live: the job is confirmed. */
  | { kind: 'confirmed' }
  /** Some values are not live yet (or the read failed): read again at `at`. */
  | { kind: 'read-again'; at: Date }
  /** The window is over: send the values still different at `at` (after Trendyol's 15 minutes). */
  | { kind: 'resend'; at: Date };

/**
 * What a read-back during the resolution leads to. `notLive` counts the job's still-current values
 * the read-back did not show live; `readFailed` when Trendyol could not be read (429, 5xx).
 */
export function decideUnknownOutcome(input: {
  marker: UnknownOutcomeMarker;
  notLive: number;
  readFailed: boolean;
  now: Date;
}): UnknownOutcomeStep {
  const { marker, notLive, readFailed, now } = input;
  if (!readFailed && notLive === 0) return { kind: 'confirmed' };
  if (now.getTime() < Date.parse(marker.resolveUntil)) {
    return { kind: 'read-again', at: new Date(now.getTime() + READ_BACK_DELAY_MS) };
  }
  const windowEnds = marker.windowFrom
    ? Date.parse(marker.windowFrom) + DEDUP_WINDOW_MS + REVERT_MARGIN_MS
    : now.getTime();
  return { kind: 'resend', at: new Date(Math.max(now.getTime(), windowEnds)) };
}

/** Reads the marker back from a job summary (null when the job is not resolving an unknown outcome). */
export function unknownOutcomeOf(summary: Record<string, unknown> | null): UnknownOutcomeMarker | null {
  const value = summary?.outcomeUnknown;
  if (!value || typeof value !== 'object') return null;
  const marker = value as Partial<UnknownOutcomeMarker>;
  if (typeof marker.resolveUntil !== 'string' || typeof marker.reason !== 'string') return null;
  return {
    windowFrom: typeof marker.windowFrom === 'string' ? marker.windowFrom : null,
    resolveUntil: marker.resolveUntil,
    reason: marker.reason,
    ...(marker.resend === true && { resend: true as const }),
  };
}
