import { nextPollWaitSeconds, readBatchResult, type SettledItem } from '../domain/batch-settlement';
import { chunkItems } from '../domain/chunk';
import { stateAfterSettlement } from '../domain/connection-state';
import { REVERT_MARGIN_MS } from '../domain/dedup-decision';
import type { KnownValue } from '../domain/diff';
import type { InventoryItem } from '../domain/inventory-item';
import { DEDUP_WINDOW_MS } from '../domain/inventory-item';
import {
  type ConfirmationCounts,
  confirmationOf,
  isSettledConfirmation,
  type JobConfirmation,
} from '../domain/job-confirmation';
import { proveItem } from '../domain/read-back-proof';
import type { Clock } from '../ports/clock';
import type { ConfirmationInput } from '../ports/confirmation-workflow';
import type { DedupStore } from '../ports/dedup-store';
import type { IdGenerator } from '../ports/id-generator';
import type { BatchOutcome, BatchResult, MarketplaceClient } from '../ports/marketplace';
import type { RateLimiter } from '../ports/rate-limiter';
import type {
  AppliedBatchResult,
  Connection,
  ConnectionRepository,
  InventoryRepository,
  Job,
  JobRepository,
} from '../ports/repositories';
import type { ConnectionCredentials, SecretStore } from '../ports/secret-store';
import { notFound } from './errors';
import { readLiveValues, verifyThroughReadBack } from './read-back';
import { acquireReadSlot, READ_SLOT_MAX_WAIT_MS } from './read-budget';

export interface PollDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
  secrets: SecretStore;
  marketplace: MarketplaceClient;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** Needed to schedule the correction of an overtaken value; without them it waits out a full window. */
  dedup?: DedupStore;
  ids?: IdGenerator;
  /**
   * The seller's read budgets (`batch-results`, `read-back`), shared with every other poller and
   * reader; without it (unit harnesses) reads are not budgeted.
   */
  rateLimiter?: RateLimiter;
  /** See {@link ReadBudgetDeps.readDeadlineMs}; set by `pollBatch` from `PollOptions.deadlineMs`. */
  readDeadlineMs?: number;
}

export type PollStatus = 'SETTLED' | 'PENDING' | 'UNCONFIRMED';

/** What the state machine's Choice reads (`$.poll`). */
export interface PollOutput {
  status: PollStatus;
  attempt: number;
  nextWaitSeconds: number;
}

export interface PollInput extends ConfirmationInput {
  poll?: Partial<PollOutput>;
}

export interface PollOptions {
  /** How long one invocation keeps re-polling a batch that is not settled yet. @default 8000 */
  shortPollMs?: number;
  /** Pause between polls inside one invocation. @default 1000 */
  shortPollIntervalMs?: number;
  /**
   * How long after the batch's `sentAt` (else `submittedAt`) the first look comes (the workflow's first invocation:
   * `FIRST_INVOCATION_POLLING`); the invocation sleeps only what is left of it. Timed from the send,
   * not from the invocation, so the seller's GETs follow its sends at one fixed distance: the sends
   * already keep to Trendyol's rolling limits, and GETs spaced like them (same 50 per 10 s per
   * endpoint) rarely wait for a read slot. @default 0
   */
  firstLookDelayMs?: number;
  /**
   * A read (GET /v1/inventory/batch/:id): it may settle a batch nobody settled yet (recorded once),
   * but never rewrites a recorded outcome.
   */
  onDemand?: boolean;
  /**
   * The last moment (epoch ms on `deps.clock`) this invocation may start a read or wait for a read
   * slot: the batch-result GETs and every read-back page. Callers set it from the Lambda's remaining
   * time less what one read and the writes after it take, so the invocation never runs into its
   * timeout (which Step Functions would not retry as a poll). @default no limit beyond each read's own wait
   */
  deadlineMs?: number;
}

export interface PollDetail {
  output: PollOutput;
  batch: BatchResult | null;
  /**
   * Items Trendyol confirmed: when this poll settles the job, the settlement's confirmed count (SUCCESS
   * items plus read-back matches); before, the items this poll applied; 0 when settled earlier.
   */
  confirmedUpserted: number;
  failedCount: number;
  job: Job;
  /** The job's confirmation after this poll. */
  confirmation: JobConfirmation | null;
}

function batchItems(batch: BatchResult) {
  return batch.items.map((i) => ({
    barcode: i.requestItem.barcode,
    status: i.status,
    failureReasons: i.failureReasons ?? [],
  }));
}

/**
 * Follows one Trendyol batch: polls, records items as they become final, and settles the job once
 * every item is final (items the result never lists are resolved by read-back after a grace of a
 * few minutes). Past the deadline it checks the values through read-back and ends the batch
 * UNCONFIRMED, visibly. A job's settlement (confirmation, counts, time, connection state) is
 * recorded once; later polls and reads change nothing. The state machine and the on-demand route
 * both run this.
 */
export async function pollBatch(
  given: PollDeps,
  input: PollInput,
  options: PollOptions = {},
): Promise<PollDetail> {
  // Every read of this invocation (batch results, read-back pages) shares one deadline.
  const deps: PollDeps =
    options.deadlineMs === undefined ? given : { ...given, readDeadlineMs: options.deadlineMs };
  const invocationEnd = options.deadlineMs ?? Number.POSITIVE_INFINITY;
  const attempt = (input.poll?.attempt ?? 0) + 1;
  const job = await deps.jobs.get(input.jobId);
  if (!job) throw notFound('JOB_NOT_FOUND', `Job ${input.jobId} does not exist.`);
  const connection = await deps.connections.get(job.connectionId);
  if (!connection) throw notFound('CONNECTION_NOT_FOUND', `Connection ${job.connectionId} does not exist.`);
  const credentials = await deps.secrets.get(connection.secretRef);
  const requested = job.items.map((i) => i.barcode);
  const submittedAt = new Date(input.submittedAt);
  const settledAlready = isSettledConfirmation(job.confirmation);

  const startMs = deps.clock.now().getTime();
  const budgetEnd = Math.min(startMs + (settledAlready ? 0 : (options.shortPollMs ?? 8000)), invocationEnd);
  // Each GET takes a slot of the seller's batch-results read budget; a read that finds none within
  // the wait is skipped (the batch counts as pending and the next poll tries again). A read on
  // demand (an HTTP request) tries once and does not wait.
  const readDeadline = options.onDemand
    ? startMs
    : Math.min(Math.max(budgetEnd, startMs + READ_SLOT_MAX_WAIT_MS), invocationEnd);
  let outcome: BatchOutcome | undefined;
  const sentAtMs = Date.parse(input.sentAt ?? input.submittedAt);
  const firstLookDelayMs = settledAlready
    ? 0
    : Math.min(options.firstLookDelayMs ?? 0, sentAtMs + (options.firstLookDelayMs ?? 0) - startMs);
  if (firstLookDelayMs > 0) await deps.sleep(firstLookDelayMs);
  for (;;) {
    if (!(await acquireReadSlot(deps, connection, 'batch-results', readDeadline))) break;
    outcome = await deps.marketplace.getBatchResult(connection, credentials, input.batchRequestId);
    const reading =
      outcome.kind === 'found'
        ? readBatchResult({
            requested,
            items: batchItems(outcome.batch),
            submittedAt,
            now: deps.clock.now(),
          })
        : undefined;
    if (reading?.kind === 'settled' || outcome.kind === 'gone') break;
    if (deps.clock.now().getTime() + (options.shortPollIntervalMs ?? 1000) > budgetEnd) break;
    await deps.sleep(options.shortPollIntervalMs ?? 1000);
  }
  const batch = outcome?.kind === 'found' ? outcome.batch : null;
  const base = { batch, job, confirmedUpserted: 0, failedCount: 0 };

  if (settledAlready) {
    // Settled before (by the workflow or an earlier read): show the result, record nothing.
    return {
      ...base,
      output: { status: 'SETTLED', attempt, nextWaitSeconds: 0 },
      confirmation: job.confirmation,
    };
  }

  const reading = batch
    ? readBatchResult({ requested, items: batchItems(batch), submittedAt, now: deps.clock.now() })
    : undefined;
  if (reading) {
    // Final items are recorded as soon as they are seen: one slow or missing item holds back no other.
    // The same set-based write reports the barcodes the race checks need, so a clean batch reads
    // nothing more.
    const applied =
      reading.results.length > 0
        ? await deps.inventory.applyBatchResult(
            {
              connectionId: job.connectionId,
              jobId: job.id,
              batchRequestId: input.batchRequestId,
              results: reading.results,
              submittedAt,
            },
            deps.clock.now(),
          )
        : { confirmedUpserted: 0, failed: 0, raced: [], overtaken: [] };
    // Barcodes another batch confirmed while this one was in flight: which of the two Trendyol
    // applied last is unknown, so they are read back when this batch settles.
    const raced = await racedBarcodes(deps, job, applied.raced);
    if (reading.kind === 'settled') {
      return settle(deps, {
        job,
        connection,
        credentials,
        batchRequestId: input.batchRequestId,
        results: reading.results,
        raced,
        missing: reading.missing,
        submittedAt,
        attempt,
        batch,
        applied,
      });
    }
    base.confirmedUpserted = applied.confirmedUpserted;
    base.failedCount = applied.failed;
  }

  const wait = outcome?.kind === 'gone' ? null : nextPollWaitSeconds(attempt, submittedAt, deps.clock.now());
  // Not read at all (no read slot) before the deadline: still pending, the next poll tries again.
  // Past the deadline there is no next poll, so even an unread batch goes on to the read-back below
  // and ends UNCONFIRMED rather than staying in flight for ever.
  if (wait !== null || options.onDemand) {
    return {
      ...base,
      output: { status: 'PENDING', attempt, nextWaitSeconds: wait ?? 0 },
      confirmation: job.confirmation,
    };
  }

  // The result can no longer be read (expired or never settled): ask Trendyol for the live values.
  const verified = await verifyThroughReadBack(deps, job, connection, credentials);
  if (verified) {
    // Live now, but possibly over a newer confirmed value: the same check as a settled batch.
    await checkOvertakenValues(
      deps,
      job,
      connection,
      credentials,
      input.batchRequestId,
      job.items.map((i) => ({ barcode: i.barcode, status: 'SUCCESS' as const, failureReasons: [] })),
    );
  }
  const now = deps.clock.now();
  const counts: ConfirmationCounts = verified
    ? { confirmed: job.items.length, failed: 0, unresolved: 0 }
    : { confirmed: 0, failed: 0, unresolved: job.items.length };
  const confirmation = confirmationOf(counts);
  const recorded = await deps.jobs.recordSettlement(
    job.id,
    {
      confirmation,
      counts,
      summary: {
        confirmation: {
          status: 'UNCONFIRMED',
          readBackMatched: verified,
          polls: attempt,
          endedAt: now.toISOString(),
        },
      },
    },
    now,
  );
  if (recorded) {
    if (!verified) {
      // Not "in flight" for ever: the values become failed so the next push sends them again.
      await markUnresolved(deps, job, input.batchRequestId, requested, now);
    }
    await deps.connections.updateState(
      job.connectionId,
      verified
        ? { lastSuccessAt: now.toISOString(), lastStatus: 'SUCCESS', lastError: null }
        : {
            lastStatus: 'FAILED',
            lastError: `Batch ${input.batchRequestId} never settled before Trendyol's 4-hour limit; read-back does not show its values.`,
          },
      now,
    );
  }
  return {
    ...base,
    output: { status: 'UNCONFIRMED', attempt, nextWaitSeconds: 0 },
    confirmedUpserted: verified ? job.items.length : 0,
    confirmation,
  };
}

async function markUnresolved(
  deps: PollDeps,
  job: Job,
  batchRequestId: string,
  barcodes: readonly string[],
  now: Date,
) {
  if (barcodes.length === 0) return;
  await deps.inventory.applyBatchResult(
    {
      connectionId: job.connectionId,
      jobId: job.id,
      batchRequestId,
      results: barcodes.map((barcode) => ({
        barcode,
        status: 'FAILED',
        failureReasons: [
          'ECI: Trendyol never reported this item and the live value differs; it will be sent again.',
        ],
      })),
    },
    now,
  );
}

/** Records a batch whose items are all final (or resolved by read-back) — once. */
async function settle(
  deps: PollDeps,
  ctx: {
    job: Job;
    connection: Connection;
    credentials: ConnectionCredentials;
    batchRequestId: string;
    results: SettledItem[];
    raced: string[];
    missing: string[];
    submittedAt: Date;
    attempt: number;
    batch: BatchResult | null;
    applied: AppliedBatchResult;
  },
): Promise<PollDetail> {
  const { job, connection, credentials, batchRequestId, results, missing, submittedAt, attempt } = ctx;
  // Items the result never listed: what the read-back shows live is confirmed, the rest unresolved.
  let confirmedByReadBack: string[] = [];
  let unresolved: string[] = missing;
  // Barcodes whose confirmed value is now another batch's, as the applies reported them.
  const overtaken = [...ctx.applied.overtaken];
  if (missing.length > 0) {
    const values = await readLiveValues(deps, connection, credentials, missing);
    if (values) {
      const live = new Map(values.map((v) => [v.barcode, v]));
      const items = job.items.filter((i) => missing.includes(i.barcode));
      confirmedByReadBack = items
        .filter((i) => proveItem(i, live.get(i.barcode)) === 'live')
        .map((i) => i.barcode);
      unresolved = missing.filter((b) => !confirmedByReadBack.includes(b));
      if (confirmedByReadBack.length > 0) {
        const byReadBack = await deps.inventory.applyBatchResult(
          {
            connectionId: job.connectionId,
            jobId: job.id,
            batchRequestId,
            results: confirmedByReadBack.map((barcode) => ({
              barcode,
              status: 'SUCCESS',
              failureReasons: [],
            })),
          },
          deps.clock.now(),
        );
        overtaken.push(...byReadBack.overtaken);
      }
    }
  }
  // Items proven live by read-back may equally have landed over a newer confirmed value.
  const landed: SettledItem[] = [
    ...results,
    ...confirmedByReadBack.map((barcode) => ({ barcode, status: 'SUCCESS' as const, failureReasons: [] })),
  ];
  const drifted = await checkOvertakenValues(deps, job, connection, credentials, batchRequestId, landed, {
    raced: ctx.raced,
    overtaken,
  });
  const successCount = results.filter((r) => r.status === 'SUCCESS').length + confirmedByReadBack.length;
  const failedCount = results.filter((r) => r.status === 'FAILED').length;
  const counts: ConfirmationCounts = {
    confirmed: successCount,
    failed: failedCount,
    unresolved: unresolved.length,
  };
  const confirmation = confirmationOf(counts);
  const now = deps.clock.now();
  const recorded = await deps.jobs.recordSettlement(
    job.id,
    {
      confirmation,
      counts,
      summary: {
        confirmation: {
          status: 'SETTLED',
          successCount,
          failedCount,
          ...(unresolved.length > 0 && { unresolvedBarcodes: unresolved }),
          settledAt: now.toISOString(),
          lagMs: now.getTime() - submittedAt.getTime(),
          polls: attempt,
          ...(drifted.length > 0 && { driftedBarcodes: drifted }),
        },
      },
    },
    now,
  );
  if (recorded) {
    await markUnresolved(deps, job, batchRequestId, unresolved, now);
    const firstFailure = results.find((r) => r.status === 'FAILED');
    await deps.connections.updateState(
      job.connectionId,
      stateAfterSettlement({
        confirmation,
        counts,
        batchRequestId,
        ...(firstFailure && { firstFailure }),
        now,
      }),
      now,
    );
  }
  return {
    output: { status: 'SETTLED', attempt, nextWaitSeconds: 0 },
    batch: ctx.batch,
    // What the settlement confirmed (its counts), not how many confirmed-state rows moved forward: a
    // value a newer push had already confirmed is still confirmed by this batch.
    confirmedUpserted: successCount,
    failedCount: ctx.applied.failed,
    job,
    confirmation: recorded ? confirmation : ((await deps.jobs.get(job.id))?.confirmation ?? confirmation),
  };
}

/**
 * The job's raced barcodes: those another batch confirmed after this one was submitted, as seen by
 * this poll's apply (`seen`) or an earlier one (kept in the job's summary as `racedBarcodes`, since
 * results are recorded over several polls). Writes only when this poll saw new ones.
 */
async function racedBarcodes(deps: PollDeps, job: Job, seen: readonly string[]): Promise<string[]> {
  const known = Array.isArray(job.summary?.racedBarcodes) ? (job.summary.racedBarcodes as string[]) : [];
  const raced = seen.filter((b) => !known.includes(b));
  if (raced.length === 0) return known;
  const all = [...known, ...raced];
  await deps.jobs.mergeSummary(job.id, { racedBarcodes: all }, deps.clock.now());
  return all;
}

/**
 * GET /v1/inventory/batch/:batchRequestId — one look on demand; it never rewrites a recorded outcome.
 * `_eci.confirmedUpserted` / `_eci.failed` = items Trendyol confirmed / refused in this batch (the
 * settlement's counts once settled; before that, what this read applied).
 */
export async function pollBatchOnDemand(deps: PollDeps, batchRequestId: string) {
  const job = await deps.jobs.findByBatchRequestId(batchRequestId);
  if (!job) throw notFound('BATCH_NOT_FOUND', `No job of ECI sent batch ${batchRequestId}.`);
  const detail = await pollBatch(
    deps,
    {
      connectionId: job.connectionId,
      jobId: job.id,
      batchRequestId,
      submittedAt: job.startedAt ?? job.createdAt,
      poll: { attempt: 0 },
    },
    { shortPollMs: 0, onDemand: true },
  );
  // Once settled (now or earlier), the job's recorded counts say what the settlement confirmed; a
  // repeated read applies nothing new and would otherwise show 0.
  const recorded = isSettledConfirmation(detail.confirmation)
    ? (await deps.jobs.get(job.id))?.confirmationCounts
    : null;
  return {
    ...(detail.batch?.raw ?? { batchRequestId, items: [] }),
    _eci: {
      confirmedUpserted: recorded ? recorded.confirmed : detail.confirmedUpserted,
      failed: recorded ? recorded.failed : detail.failedCount,
      status: detail.output.status,
      confirmation: detail.confirmation,
      jobId: job.id,
      connectionId: job.connectionId,
    },
  };
}

function knownDiffersFromLive(
  confirmed: { quantity: number | null; salePrice: number | null; listPrice: number | null },
  live: { quantity: number | null; salePrice: number | null; listPrice: number | null },
): boolean {
  return (
    (confirmed.quantity !== null && live.quantity !== confirmed.quantity) ||
    (confirmed.salePrice !== null && live.salePrice !== confirmed.salePrice) ||
    (confirmed.listPrice !== null && live.listPrice !== confirmed.listPrice)
  );
}

/**
 * A batch that settles after a newer batch of the same barcode was confirmed may have been applied
 * last by Trendyol, leaving the older value live while ECI records the newer one. For those barcodes
 * the live value is read back; where it differs, the seller's value is marked failed and a
 * correction job is scheduled (as a revert is: after Trendyol's 15-minute window for the identical
 * body, if one is open).
 *
 * `known` (from the applies that just recorded `results`) names the candidates: barcodes now
 * confirmed by another batch, plus the raced ones; only those are read. Without it (a job settled
 * by read-back alone) every SUCCESS barcode's state is read.
 */
async function checkOvertakenValues(
  deps: PollDeps,
  job: Job,
  connection: Connection,
  credentials: ConnectionCredentials,
  batchRequestId: string,
  results: SettledItem[],
  known?: { raced: readonly string[]; overtaken: readonly string[] },
): Promise<string[]> {
  const succeeded = results.filter((r) => r.status === 'SUCCESS').map((r) => r.barcode);
  if (succeeded.length === 0) return [];
  const flagged = new Set([...(known?.overtaken ?? []), ...(known?.raced ?? [])]);
  const candidates = known ? succeeded.filter((b) => flagged.has(b)) : succeeded;
  if (candidates.length === 0) return [];
  const raced = known?.raced ?? [];
  const states = await deps.inventory.getBarcodeStates(connection.id, candidates, 0);
  const overtaken = states.filter(
    (s) => s.confirmed && (s.confirmed.batchRequestId !== batchRequestId || raced.includes(s.barcode)),
  );
  if (overtaken.length === 0) return [];
  const values = await readLiveValues(
    deps,
    connection,
    credentials,
    overtaken.map((s) => s.barcode),
  );
  if (!values) return [];
  const live = new Map(values.map((v) => [v.barcode, v]));
  const drifted = overtaken
    .filter((s) => {
      const value = live.get(s.barcode);
      return s.confirmed && value && knownDiffersFromLive(s.confirmed, value);
    })
    .map((s) => s.barcode);
  if (drifted.length === 0) return [];
  await deps.inventory.markDrifted(
    connection.id,
    drifted,
    `Trendyol applied the older batch ${batchRequestId} after the confirmed value; it will be sent again.`,
    deps.clock.now(),
  );
  await scheduleCorrection(deps, job, drifted);
  return drifted;
}

function itemOf(value: KnownValue): InventoryItem {
  return {
    barcode: value.barcode,
    ...(value.quantity !== null && { quantity: value.quantity }),
    ...(value.salePrice !== null && { salePrice: value.salePrice }),
    ...(value.listPrice !== null && { listPrice: value.listPrice }),
  };
}

/**
 * Schedules the seller's latest values of `barcodes` to be sent again: a job released by the
 * per-minute release once Trendyol's window for an identical body (if ECI sent one) has passed.
 */
export async function scheduleCorrection(
  deps: Pick<PollDeps, 'inventory' | 'jobs' | 'clock' | 'dedup' | 'ids'>,
  overtakenBy: Job,
  barcodes: readonly string[],
) {
  const known = await deps.inventory.findKnownValues(overtakenBy.connectionId, barcodes);
  const items = [...known.values()].filter((k) => k.status === 'failed').map(itemOf);
  const now = deps.clock.now();
  const nextId = () => deps.ids?.next() ?? globalThis.crypto.randomUUID();
  for (const chunk of chunkItems(items)) {
    const prior = deps.dedup
      ? await deps.dedup.find(overtakenBy.connectionId, chunk.bodyHash, now)
      : undefined;
    const notBefore = deps.dedup
      ? new Date(prior ? prior.createdAt.getTime() + DEDUP_WINDOW_MS + REVERT_MARGIN_MS : now.getTime())
      : new Date(now.getTime() + DEDUP_WINDOW_MS + REVERT_MARGIN_MS);
    await deps.jobs.createPushJobs(
      [
        {
          id: nextId(),
          status: 'scheduled',
          connectionId: overtakenBy.connectionId,
          pushId: nextId(),
          chunkIndex: chunk.chunkIndex,
          bodyHash: chunk.bodyHash,
          body: chunk.body,
          items: chunk.items,
          // The gate that let the overtaken send through lets its correction through.
          options: { ...overtakenBy.options, dryRun: false, force: true },
          notBefore,
          recordsIntent: true,
        },
      ],
      now,
    );
  }
}
