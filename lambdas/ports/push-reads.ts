import type { JobConfirmation } from '../domain/job-confirmation';
import type { HistoryEntry, Job } from './repositories';

/** A job without its payload (body and items), as the lists return it. */
export type JobHeader = Omit<Job, 'body' | 'items'>;

/** One push as the list of pushes shows it: its id, connection, when, and its chunks. */
export interface PushHeader {
  pushId: string;
  connectionId: string;
  createdAt: string;
  /** Acceptance order of the push's first chunk; the list's paging key. */
  firstSeq: number;
  chunkCount: number;
  itemCount: number;
}

/** An item Trendyol (or ECI) refused, with the reasons verbatim. */
export interface FailedItem {
  barcode: string;
  jobId: string;
  batchRequestId: string | null;
  failureReasons: string[];
  at: string;
}

/**
 * Barcode lists of the state route (`?state=`): `failed` — the latest accepted value's send failed
 * (Trendyol refused it, or the chunk failed); `scheduled` — waiting in a chunk held for Trendyol's
 * 15-minute identical-body window; `unconfirmed` — sent, but its batch result expired and read-back did
 * not show it; `held` — a price kept back in the catalog's holds (price guard or per-barcode budget,
 * GET /v1/inventory/held); `drifted` — the reconciliation found Trendyol's live value differing from the
 * confirmed one (GET /v1/inventory/drift).
 */
export type InventoryStateFilter = 'failed' | 'scheduled' | 'unconfirmed' | 'held' | 'drifted';

/** One history entry of a barcode with its row id (the timeline's paging key). */
export interface TimelineEntry extends HistoryEntry {
  id: number;
}

/**
 * Read-only queries behind the operator surfaces (push progress, job lists, barcode timeline). Paging is
 * keyset: each list returns rows strictly after `cursor` in its order, at most `limit` of them.
 */
export interface PushReadRepository {
  /** The push's jobs (chunks) in chunk order; empty when the push does not exist. */
  jobsOfPush(pushId: string): Promise<JobHeader[]>;
  /** Failed items of the push's jobs, oldest first. */
  failedItemsOfPush(pushId: string, limit: number): Promise<FailedItem[]>;
  /**
   * How many of the push's barcodes had a price held by the guard (the push answer's `heldCount`; the
   * `held` history entries saveHolds writes under the push id). Budget-deferred prices are not counted.
   */
  heldCountOfPush(pushId: string): Promise<number>;
  /** A connection's pushes, newest first; `beforeSeq` continues after a page. */
  listPushes(connectionId: string, beforeSeq: number | null, limit: number): Promise<PushHeader[]>;
  /**
   * Jobs of a connection (optionally with one status and/or one confirmation; `pending` matches jobs
   * whose confirmation column is `pending`: accepted by Trendyol, not yet settled), newest first;
   * `beforeSeq` continues after a page.
   */
  listJobs(
    filter: { connectionId: string; status?: Job['status']; confirmation?: JobConfirmation },
    beforeSeq: number | null,
    limit: number,
  ): Promise<JobHeader[]>;
  /**
   * Settled chunks of a connection whose result arrived at or after `since`: accept → confirm lag (ms,
   * job creation to the settlement's `settledAt`) and the items Trendyol confirmed in each.
   */
  confirmationLags(
    connectionId: string,
    since: Date,
  ): Promise<Array<{ lagMs: number; items: number; settledAt: string }>>;
  /** Barcodes of a connection in `state`, in barcode order, after `after`. */
  listBarcodesInState(
    connectionId: string,
    state: InventoryStateFilter,
    after: string | null,
    limit: number,
  ): Promise<string[]>;
  /** A barcode's history entries, oldest first, after entry id `afterId`. */
  timeline(
    connectionId: string,
    barcode: string,
    afterId: number | null,
    limit: number,
  ): Promise<TimelineEntry[]>;
}
