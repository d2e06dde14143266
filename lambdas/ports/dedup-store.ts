/**
 * The 15-minute push dedup (Trendyol refuses an identical body for 15 minutes). One record per
 * (connection, body hash); it expires by itself after the window.
 */
export interface DedupRecord {
  connectionId: string;
  bodyHash: string;
  jobId: string;
  /** When the body was accepted for sending: Trendyol's 15 minutes count from about here. */
  createdAt: Date;
  expiresAt: Date;
}

export type DedupClaim = { claimed: true; record: DedupRecord } | { claimed: false; existing: DedupRecord };

export interface DedupStore {
  /**
   * Atomically records `jobId` as the sender of this body unless a live (unexpired at `now`) record
   * exists; in that case the existing record comes back and nothing changes.
   */
  claim(input: {
    connectionId: string;
    bodyHash: string;
    jobId: string;
    now: Date;
    windowMs: number;
  }): Promise<DedupClaim>;
  /** Reads the live record, if any. */
  find(connectionId: string, bodyHash: string, now: Date): Promise<DedupRecord | undefined>;
  /** Removes the record only if it still belongs to `jobId` (used when enqueueing failed). */
  release(connectionId: string, bodyHash: string, jobId: string): Promise<void>;
}
