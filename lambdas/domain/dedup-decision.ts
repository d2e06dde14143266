import type { KnownValue } from './diff';
import type { InventoryItem } from './inventory-item';

/** A live dedup record: the job that sent this exact body, and when. */
export interface PriorSend {
  jobId: string;
  createdAt: Date;
}

export type DedupDecision =
  | { kind: 'send' }
  | { kind: 'duplicate'; jobId: string }
  | { kind: 'revert'; previousJobId: string; deliverAfter: Date };

/**
 * Margin added to Trendyol's 15 minutes before a revert is released: the window counts from when
 * Trendyol received the first body, which is a little after ECI recorded it.
 */
export const REVERT_MARGIN_MS = 30_000;

/**
 * Decides what to do with a chunk whose body may have been sent in the last 15 minutes.
 *
 * The same body is a duplicate only while it is still the latest thing ECI accepted for every one of
 * its barcodes. If any barcode was changed by a later push (A → B → A), the body is a revert: the
 * seller's final intent is A again, so it must reach Trendyol, but only once Trendyol's 15-minute
 * window for the first A has passed (an earlier send would be refused).
 */
export function decideDedup(input: {
  prior: PriorSend | undefined;
  items: readonly InventoryItem[];
  known: ReadonlyMap<string, KnownValue>;
  now: Date;
  windowMs: number;
}): DedupDecision {
  const { prior, items, known, now, windowMs } = input;
  if (!prior) return { kind: 'send' };
  const untouchedSince = items.every((item) => known.get(item.barcode)?.jobId === prior.jobId);
  if (untouchedSince) return { kind: 'duplicate', jobId: prior.jobId };
  const deliverAfter = new Date(prior.createdAt.getTime() + windowMs + REVERT_MARGIN_MS);
  if (deliverAfter.getTime() <= now.getTime()) return { kind: 'send' };
  return { kind: 'revert', previousJobId: prior.jobId, deliverAfter };
}
