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

/** How one barcode of a body stands against the prior send of that same body. */
export type PriorStanding = 'untouched' | 'changed-later' | 'known-not-held';

/**
 * Whether anything happened to a barcode since `prior` sent this body:
 * - `changed-later`: a push accepted after the prior send set another value (a revert is under way);
 * - `known-not-held`: the prior send's own value is known not to be on Trendyol (it failed, or an older
 *   batch overtook it), so answering "duplicate" would leave the seller's value unsent;
 * - `untouched`: otherwise, including a value recorded *before* the prior send (a concurrent push of
 *   the same body read the barcode before its twin claimed the body: that is a duplicate, not a revert).
 */
export function priorStanding(known: KnownValue | undefined, prior: PriorSend): PriorStanding {
  if (!known) return 'untouched';
  if (known.jobId === prior.jobId) return known.status === 'failed' ? 'known-not-held' : 'untouched';
  if (known.acceptedAt !== undefined && Date.parse(known.acceptedAt) <= prior.createdAt.getTime()) {
    return 'untouched';
  }
  return 'changed-later';
}

/**
 * Decides what to do with a chunk whose body may have been sent in the last 15 minutes.
 *
 * The same body is a duplicate only while nothing newer was accepted for any of its barcodes and
 * Trendyol is not known to lack the value. If a barcode was changed by a later push (A → B → A), or
 * the prior send's value is known not to be live (failed, or overtaken by an older batch), the body
 * must reach Trendyol, but only once Trendyol's 15-minute window for the first send has passed (an
 * earlier send would be refused): it is scheduled like a revert.
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
  const untouchedSince = items.every((item) => priorStanding(known.get(item.barcode), prior) === 'untouched');
  if (untouchedSince) return { kind: 'duplicate', jobId: prior.jobId };
  const deliverAfter = new Date(prior.createdAt.getTime() + windowMs + REVERT_MARGIN_MS);
  if (deliverAfter.getTime() <= now.getTime()) return { kind: 'send' };
  return { kind: 'revert', previousJobId: prior.jobId, deliverAfter };
}
