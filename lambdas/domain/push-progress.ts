/**
 * Where each chunk (job) of a push stands, and a push's totals: pure decisions over job fields, so the
 * API, the CLI's `--watch` and the status page all count the same way.
 */

/** The job fields the decision reads (a subset of the repository's Job). */
export interface ChunkFacts {
  status: 'scheduled' | 'queued' | 'running' | 'success' | 'failed';
  itemCount: number;
  batchRequestId: string | null;
  summary: Record<string, unknown> | null;
}

/**
 * - `queued`: waiting for (or in) the consumer; `scheduled`: held for Trendyol's 15-minute identical-body
 *   window (a revert, `notBefore`);
 * - `sent`: Trendyol accepted the batch (batchRequestId) and its result is not settled yet;
 * - `confirmed`: every item SUCCESS (or read-back matched after the 4-hour limit);
 * - `partial`: some items SUCCESS, some FAILED; `failed`: the chunk failed or every item FAILED;
 * - `unconfirmed`: the result expired and read-back did not show the values;
 * - `held`: kept for compatibility of the counts; no chunk is held (held prices never enter a chunk,
 *   they are counted per push in `items.held`);
 * - `notSent`: a dry run or a write-disabled stage: finished without reaching Trendyol.
 */
export type ChunkState =
  | 'queued'
  | 'scheduled'
  | 'sent'
  | 'confirmed'
  | 'partial'
  | 'failed'
  | 'unconfirmed'
  | 'held'
  | 'notSent';

export const CHUNK_STATES: readonly ChunkState[] = [
  'queued',
  'scheduled',
  'sent',
  'confirmed',
  'partial',
  'failed',
  'unconfirmed',
  'held',
  'notSent',
];

/** States after which a chunk will not change on its own (what `--watch` waits for). */
const FINAL: ReadonlySet<ChunkState> = new Set(['confirmed', 'partial', 'failed', 'unconfirmed', 'notSent']);

interface Confirmation {
  status?: unknown;
  successCount?: unknown;
  failedCount?: unknown;
  readBackMatched?: unknown;
}

function confirmationOf(summary: Record<string, unknown> | null): Confirmation | undefined {
  const c = summary?.confirmation;
  return c && typeof c === 'object' ? (c as Confirmation) : undefined;
}

/** The chunk's state from its job status and the confirmation block poll-batch merges into the summary. */
export function chunkState(job: ChunkFacts): ChunkState {
  if (job.status === 'scheduled') return 'scheduled';
  if (job.status === 'queued' || job.status === 'running') return 'queued';
  if (job.status === 'failed') return 'failed';
  if (job.batchRequestId === null) return 'notSent';
  const c = confirmationOf(job.summary);
  if (!c) return 'sent';
  if (c.status === 'UNCONFIRMED') return c.readBackMatched === true ? 'confirmed' : 'unconfirmed';
  const success = Number(c.successCount ?? 0);
  const failed = Number(c.failedCount ?? 0);
  if (failed === 0) return 'confirmed';
  return success === 0 ? 'failed' : 'partial';
}

/** Items of a chunk that Trendyol confirmed / refused, once known (0 while not settled). */
export function chunkItemOutcome(job: ChunkFacts): { confirmed: number; failed: number } {
  const state = chunkState(job);
  if (state === 'failed' && job.status === 'failed') return { confirmed: 0, failed: job.itemCount };
  const c = confirmationOf(job.summary);
  if (state === 'confirmed' && c?.status === 'UNCONFIRMED') return { confirmed: job.itemCount, failed: 0 };
  if (state === 'confirmed' || state === 'partial' || state === 'failed') {
    return { confirmed: Number(c?.successCount ?? 0), failed: Number(c?.failedCount ?? 0) };
  }
  return { confirmed: 0, failed: 0 };
}

export interface PushTotals {
  /** Chunks per state (every state present, 0 when none). */
  chunks: Record<ChunkState, number>;
  /** Items per outcome: confirmed and failed by Trendyol; the rest are still on their way. */
  items: {
    total: number;
    confirmed: number;
    failed: number;
    scheduled: number;
    held: number;
    /** Items of chunks that finished without reaching Trendyol (a dry run, writes off on the stage). */
    notSent: number;
    pending: number;
  };
  /** True when no chunk can change any more. */
  done: boolean;
}

/**
 * Totals over a push's chunks. `held` (from the caller) counts the push's barcodes whose price the
 * catalog's guard kept back; a held barcode's stock may still travel in a chunk, so held items are
 * reported beside the chunks' items and not subtracted from `total` or `pending`.
 */
export function pushTotals(jobs: readonly ChunkFacts[], held = 0): PushTotals {
  const chunks = Object.fromEntries(CHUNK_STATES.map((s) => [s, 0])) as Record<ChunkState, number>;
  const items = { total: 0, confirmed: 0, failed: 0, scheduled: 0, held, notSent: 0, pending: 0 };
  let done = true;
  for (const job of jobs) {
    const state = chunkState(job);
    chunks[state] += 1;
    items.total += job.itemCount;
    const outcome = chunkItemOutcome(job);
    items.confirmed += outcome.confirmed;
    items.failed += outcome.failed;
    if (state === 'scheduled') items.scheduled += job.itemCount;
    if (state === 'notSent') items.notSent += job.itemCount;
    if (!FINAL.has(state)) done = false;
  }
  items.pending = Math.max(0, items.total - items.confirmed - items.failed - items.scheduled - items.notSent);
  return { chunks, items, done };
}
