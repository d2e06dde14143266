import type { ConnectionLastStatus } from '../domain/connection-state';
import type { IntentStatus, KnownValue } from '../domain/diff';
import type { InventoryItem } from '../domain/inventory-item';
import type { ConfirmationCounts, JobConfirmation } from '../domain/job-confirmation';
import type { Cents } from '../domain/money';

// Timestamps cross the ports as ISO-8601 strings (UTC, ms precision): that is what the API returns
// and what every driver (PGlite, node-postgres, Data API) can round-trip without timezone surprises.

export type ConnectionStatus = 'active' | 'paused';

export interface Connection {
  id: string;
  type: 'trendyol';
  name: string;
  sellerId: number;
  /** Trendyol API base, e.g. https://apigw.trendyol.com/integration */
  baseUrl: string;
  integratorName: string | null;
  /** Reference into the secret store; the credentials themselves never touch the database. */
  secretRef: string;
  status: ConnectionStatus;
  /** Requests per minute allowed to the seller's inventory-write group (Trendyol tier). */
  writeRateLimitPerMinute: number;
  createdAt: string;
  updatedAt: string;
}

export type NewConnection = Omit<Connection, 'createdAt' | 'updatedAt'>;

/**
 * IDLE before any job; RUNNING while a job is being sent; SUCCESS after Trendyol accepted or
 * confirmed; PARTIAL when a batch settled with some items confirmed and others failed; FAILED when a
 * job failed on its data or after retries; ERROR when the connection itself is broken (credentials
 * refused, IP not allowed) and needs a person. The model lives in domain/connection-state.ts.
 */
export type { ConnectionLastStatus };

export interface ConnectionState {
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastStatus: ConnectionLastStatus;
  lastJobId: string | null;
  lastError: string | null;
  updatedAt: string;
}

export interface ConnectionRepository {
  create(connection: NewConnection, now: Date): Promise<Connection>;
  list(): Promise<Connection[]>;
  get(id: string): Promise<Connection | undefined>;
  update(
    id: string,
    patch: Partial<
      Pick<
        Connection,
        'name' | 'status' | 'secretRef' | 'baseUrl' | 'integratorName' | 'writeRateLimitPerMinute'
      >
    >,
    now: Date,
  ): Promise<Connection | undefined>;
  /** Absent fields keep their value; the row is created on first use with lastStatus IDLE. */
  getState(id: string): Promise<ConnectionState | undefined>;
  updateState(id: string, patch: Partial<Omit<ConnectionState, 'updatedAt'>>, now: Date): Promise<void>;
}

export const PUSH_JOB_TYPE = 'TRENDYOL_PUSH_PRICE_STOCK';

/** queued → running → success | failed; `scheduled` waits for Trendyol's 15-minute window (a revert). */
export type JobStatus = 'scheduled' | 'queued' | 'running' | 'success' | 'failed';

export interface JobError {
  code: string;
  message: string;
  details?: unknown;
}

/** What the push asked for, kept on the job so the consumer applies the same gating. */
export interface JobOptions {
  dryRun: boolean;
  force: boolean;
  forceWrite: boolean;
  originalCount: number;
  coalescedCount: number;
  /**
   * When ECI accepted the chunk's values, if earlier than the job: a catalog sync sends values the
   * catalog accepted at `updatedAt`, so freshness counts from the oldest of them (ISO-8601).
   */
  acceptedAt?: string;
}

export interface Job {
  id: string;
  type: typeof PUSH_JOB_TYPE;
  status: JobStatus;
  attempts: number;
  connectionId: string;
  pushId: string;
  chunkIndex: number;
  itemCount: number;
  bodyHash: string;
  /** The exact bytes sent (or to be sent) to Trendyol. */
  body: string;
  /** The chunk's items, kept for audit. */
  items: InventoryItem[];
  options: JobOptions;
  /** Acceptance order across all pushes of a connection: a higher seq is a newer intent. */
  seq: number;
  batchRequestId: string | null;
  summary: Record<string, unknown> | null;
  error: JobError | null;
  /** For scheduled jobs: not to be sent before this time. */
  notBefore: string | null;
  /** What became of the values on Trendyol (null for jobs that send nothing). */
  confirmation: JobConfirmation | null;
  /** Item counts behind a settled confirmation. */
  confirmationCounts: ConfirmationCounts | null;
  /** When the confirmation was settled (recorded once). */
  settledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewPushJob {
  id: string;
  status: 'queued' | 'scheduled';
  connectionId: string;
  pushId: string;
  chunkIndex: number;
  bodyHash: string;
  body: string;
  items: InventoryItem[];
  options: JobOptions;
  notBefore: Date | null;
  /**
   * True when the chunk will really be sent: its items become the barcodes' latest accepted values
   * (the value in flight) and its barcodes' `pushed` timeline entries. Dry runs record nothing per barcode.
   */
  recordsIntent: boolean;
}

/** Per-item outcome reported by Trendyol for a batch. */
export interface ItemResult {
  barcode: string;
  status: 'SUCCESS' | 'FAILED';
  failureReasons: string[];
}

/** What {@link JobRepository.startAttempt} found and did. */
export interface AttemptStart {
  before: Pick<Job, 'status' | 'attempts' | 'updatedAt' | 'notBefore'> | undefined;
  job: Job | undefined;
  /**
   * The started job's connection, read in the same round trip; undefined when nothing started or the
   * connection no longer exists.
   */
  connection?: Connection | undefined;
}

export interface JobRepository {
  get(id: string): Promise<Job | undefined>;
  latestForConnection(connectionId: string): Promise<Job | undefined>;
  /**
   * Inserts the jobs of one push and, for those with `recordsIntent`, upserts the barcodes' latest
   * accepted value (status `pending`), which is also its `pushed` history entry, and a `superseded`
   * entry for the pending or sent value it replaces, all in one transaction. Each job
   * gets a new, higher `seq`. An item carrying a price (salePrice or listPrice) in such a job also
   * counts as one price send of its barcode at `now`, for Trendyol's 30 price updates per minute per
   * barcode (InventoryRepository.findPushState reads them; the newest 30 are kept).
   */
  createPushJobs(jobs: NewPushJob[], now: Date): Promise<Job[]>;
  /**
   * Starts a delivery's attempt in one write: moves a queued or running job to running and counts the
   * attempt. `job` is the job as it is now, undefined when nothing was started: the job is missing,
   * finished (success or failed: a redelivered message is only acknowledged) or scheduled (only the
   * release sends a scheduled job). `before` is what the job was just before this call (undefined
   * when it does not exist): a `running` job with attempts > 0 was left mid-send by an earlier delivery.
   */
  startAttempt(id: string, now: Date): Promise<AttemptStart>;
  /** Moves a running job back to queued (e.g. a retryable failure) keeping the error for display. */
  requeue(id: string, error: JobError, now: Date): Promise<void>;
  /**
   * Records that Trendyol accepted the chunk: job batch id + summary, intents → `sent`, history, and
   * the connection's state `SUCCESS` (lastError null, lastJobId this job) in the same write, so the
   * state is written before the confirmation workflow starts (the poller's later state wins).
   */
  recordAccepted(
    id: string,
    batchRequestId: string,
    summary: Record<string, unknown>,
    now: Date,
  ): Promise<void>;
  /**
   * Ends a job, merging `summary` into the stored one. `failed` also marks the job's still-current
   * intents `failed` (with history).
   */
  finish(
    id: string,
    outcome: { status: 'success' | 'failed'; summary: Record<string, unknown>; error: JobError | null },
    now: Date,
  ): Promise<void>;
  /**
   * Records a job's final confirmation once: only while it is still unset or `pending`. Merges
   * `summary` in the same statement. Returns true for the call that recorded it, false when it was
   * already settled (a repeated poll, or a read of the batch), so callers update nothing else then.
   */
  recordSettlement(
    id: string,
    settlement: {
      confirmation: Exclude<JobConfirmation, 'pending'>;
      counts: ConfirmationCounts;
      summary: Record<string, unknown>;
    },
    now: Date,
  ): Promise<boolean>;
  /** Merges keys into the summary (e.g. confirmation counts) without touching the status. */
  mergeSummary(id: string, patch: Record<string, unknown>, now: Date): Promise<void>;
  /**
   * Puts a job back to `scheduled` until `notBefore` (the outcome of an earlier send is unknown and
   * Trendyol refuses the identical body until its 15-minute window ends). The message is acknowledged;
   * the release schedule enqueues the job again, so the seller's queue is never blocked.
   */
  reschedule(id: string, notBefore: Date, error: JobError, now: Date): Promise<void>;
  /** Scheduled jobs whose notBefore has passed, oldest first. */
  listDueScheduled(now: Date, limit: number): Promise<Job[]>;
  /** Turns a scheduled job into a queued one (optionally narrowed to its still-current items). */
  releaseScheduled(
    id: string,
    chunk: { items: InventoryItem[]; body: string; bodyHash: string },
    now: Date,
  ): Promise<void>;
  findByBatchRequestId(batchRequestId: string): Promise<Job | undefined>;
  /**
   * Jobs whose work is not over, oldest first: queued or running (their message may be gone), and
   * accepted batches without a confirmation result. The local stack resumes them after a restart,
   * since its queue and workflow runner keep nothing on disk.
   */
  listUnfinished(
    limit: number,
  ): Promise<
    Array<
      Pick<Job, 'id' | 'connectionId' | 'status' | 'bodyHash' | 'batchRequestId' | 'startedAt' | 'createdAt'>
    >
  >;
}

export interface ConfirmedValue {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
  batchRequestId: string;
  confirmedAt: string;
}

export interface InFlightValue {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
  status: IntentStatus;
  jobId: string;
  acceptedAt: string;
}

/**
 * `held` (price guard) and `deferred` (per-barcode price budget) record a price kept back by a guard;
 * `approved` a held price an operator released; `drift` a live value at Trendyol that differs from the
 * one it confirmed (the entry carries the live value; its job id is `drift:<detected at>`).
 */
export type HistoryEvent =
  | 'pushed'
  | 'sent'
  | 'confirmed'
  | 'failed'
  | 'superseded'
  | 'held'
  | 'deferred'
  | 'approved'
  | 'drift';

export interface HistoryEntry {
  barcode: string;
  event: HistoryEvent;
  jobId: string;
  batchRequestId: string | null;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
  failureReasons: string[] | null;
  at: string;
}

export interface BarcodeState {
  barcode: string;
  confirmed: ConfirmedValue | null;
  inFlight: InFlightValue | null;
  history: HistoryEntry[];
}

/** One batch's item results to apply (`applyBatchResult`). */
export interface BatchResultInput {
  connectionId: string;
  jobId: string;
  batchRequestId: string;
  results: ItemResult[];
  /** When Trendyol accepted the batch; without it `raced` is empty. */
  submittedAt?: Date;
}

/** What `applyBatchResult` did and saw. */
export interface AppliedBatchResult {
  /** Confirmed rows written (a newer confirmed value is left as it is). */
  confirmedUpserted: number;
  /** FAILED items in the input. */
  failed: number;
  /**
   * SUCCESS barcodes another batch had confirmed at or after `submittedAt` (seen before this apply):
   * which of the two Trendyol applied last is unknown.
   */
  raced: string[];
  /** SUCCESS barcodes whose confirmed value, after this apply, is another batch's (a newer push's). */
  overtaken: string[];
}

/** What a push reads per barcode before it decides anything (see InventoryRepository.findPushState). */
export interface PushState {
  /** Latest accepted value per barcode (absent: ECI never accepted one). */
  known: Map<string, KnownValue>;
  /** Last salePrice Trendyol confirmed per barcode (kuruş; null when only stock was confirmed). */
  confirmedSalePrice: Map<string, Cents | null>;
  /**
   * Earlier price sends per barcode, epoch ms (newest 30; absent when none), as
   * {@link JobRepository.createPushJobs} recorded them: Trendyol's 30 price updates per minute per barcode.
   */
  priceSends: Map<string, number[]>;
}

export interface InventoryRepository {
  /** Latest accepted value per barcode (for diff, dedup and price checks). */
  findKnownValues(connectionId: string, barcodes: readonly string[]): Promise<Map<string, KnownValue>>;
  /**
   * The known values, confirmed sale prices and recent price sends of the barcodes in one read (one
   * statement per 2,000 barcodes on PostgreSQL instead of three): what the push's diff, price guard
   * and per-barcode budget need.
   */
  findPushState(connectionId: string, barcodes: readonly string[]): Promise<PushState>;
  /**
   * Applies a settled batch of `jobId`: SUCCESS items become confirmed values unless a newer push
   * (higher job seq) was already confirmed for that barcode; FAILED items keep Trendyol's reasons
   * verbatim; the intents of this job move to confirmed/failed; history is appended. Idempotent.
   * In the same step (one statement on PostgreSQL) it reports, for the SUCCESS items, what the
   * poller's race checks need, so a batch that settles cleanly needs no further reads.
   * @throws when the job does not exist or belongs to another connection (nothing is written).
   */
  applyBatchResult(input: BatchResultInput, now: Date): Promise<AppliedBatchResult>;
  /**
   * Trendyol's live value no longer matches the confirmed one (an older batch landed after a newer
   * one): the barcodes' confirmed intents become `failed`, with `reason` in their history, so the next
   * push or catalog sync sends the seller's value again. Returns how many barcodes were moved.
   */
  markDrifted(connectionId: string, barcodes: readonly string[], reason: string, now: Date): Promise<number>;
  getBarcodeStates(
    connectionId: string,
    barcodes: readonly string[],
    historyLimit: number,
  ): Promise<BarcodeState[]>;
  /** Latest accepted values whose last send failed, oldest first: what the catalog sync sends again. */
  listFailedIntents(connectionId: string, limit: number): Promise<KnownValue[]>;
  /** Barcodes of a connection, paged by barcode order (for the state route without a barcode). */
  listBarcodes(connectionId: string, after: string | null, limit: number): Promise<string[]>;
}
