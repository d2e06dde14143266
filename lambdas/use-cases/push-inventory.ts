import { type Chunk, chunkItems } from '../domain/chunk';
import { coalesceItems } from '../domain/coalesce';
import { decideDedup } from '../domain/dedup-decision';
import { diffItems, type KnownValue, mergeWithKnown } from '../domain/diff';
import { applyStockBuffer, type GuardResult, guardItems, type HeldValue } from '../domain/guards';
import { CHUNK_SIZE, DEDUP_WINDOW_MS, type InventoryItem } from '../domain/inventory-item';
import { centsToJsonNumber } from '../domain/money';
import type { PushRequest } from '../domain/push-request';
import { ValidationError, type ValidationIssue } from '../domain/validation-error';
import { decideWriteGate } from '../domain/write-gate';
import type { CatalogRepository } from '../ports/catalog';
import type { ChunkMessage, ChunkQueue } from '../ports/chunk-queue';
import type { Clock } from '../ports/clock';
import type { DedupStore } from '../ports/dedup-store';
import type { IdGenerator } from '../ports/id-generator';
import type {
  Connection,
  ConnectionRepository,
  InventoryRepository,
  JobOptions,
  JobRepository,
  NewPushJob,
  PushState,
} from '../ports/repositories';
import { requireConnection } from './connections';
import { conflict, unavailable } from './errors';

export interface PushDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
  /** Settings, guards' state (holds, per-barcode price sends) and the catalog. */
  catalog: CatalogRepository;
  dedup: DedupStore;
  queue: ChunkQueue;
  clock: Clock;
  ids: IdGenerator;
  writeEnabledEnv: boolean;
  forceWriteAllowed: boolean;
}

export interface PushFlags {
  dryRun: boolean;
  force: boolean;
  forceWrite: boolean;
}

export interface PushJobResult {
  chunkIndex: number;
  itemCount: number;
  bodyHash: string;
  dedup: boolean;
  jobId: string;
  /** Present for a revert held back until Trendyol's 15-minute window for the identical body ends. */
  deliverAfter?: string;
}

/**
 * The SQS FIFO MessageDeduplicationId of a chunk message (≤ 128 chars): body hash + job id, so a
 * producer retry of the same job is dropped but another job with the same bytes (a dry run repeated,
 * a value re-pushed after its send failed) is not.
 */
export function localDeduplicationId(bodyHash: string, jobId: string): string {
  return `${bodyHash}-${jobId}`;
}

function groupIdFor(connectionId: string): string {
  return connectionId;
}

/**
 * listPrice ≥ salePrice must hold for the value the barcode will have, not only within one item.
 * `items` are the coalesced items; `given` the request's, whose positions the issues' paths name.
 */
function checkPricePairs(
  items: ReturnType<typeof coalesceItems>,
  known: ReadonlyMap<string, KnownValue>,
  given: readonly InventoryItem[],
  listName: string,
) {
  const issues: ValidationIssue[] = [];
  // Where each barcode was given (its last occurrence, the one coalescing kept), built only when an
  // issue names it: a 50,000-entry map per push was otherwise built for nothing.
  let positions: Map<string, number> | undefined;
  const positionOf = (barcode: string) => {
    if (positions === undefined) {
      positions = new Map();
      for (const [index, item] of given.entries()) positions.set(item.barcode, index);
    }
    return positions.get(barcode);
  };
  for (const item of items) {
    if (item.salePrice !== undefined && item.listPrice !== undefined) continue;
    const merged = mergeWithKnown(item, known.get(item.barcode));
    if (merged.salePrice !== null && merged.listPrice !== null && merged.listPrice < merged.salePrice) {
      const field = item.salePrice !== undefined ? 'salePrice' : 'listPrice';
      issues.push({
        path: `${listName}.${positionOf(item.barcode)}.${field}`,
        message: `would leave listPrice below salePrice for barcode ${item.barcode}`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError('The push would break listPrice ≥ salePrice.', issues);
}

/**
 * Validates, coalesces, diffs, chunks and deduplicates a push, then records the jobs and enqueues
 * the chunks. Bad input throws before anything is written or enqueued.
 */
export async function pushInventory(deps: PushDeps, request: PushRequest, flags: PushFlags) {
  const connection = await requireConnection(deps, request.connectionId);
  return pushItems(deps, connection, request.items, flags);
}

/** How a caller other than the HTTP push reaches the core (the sync, an approval). */
export interface PushItemsOptions {
  /** Approved held values skip the price guard (as `force=1` does); the per-barcode budget still applies. */
  skipPriceGuard?: boolean;
  /** Path prefix of validation issues (`items` for a push, `variants` for the catalog). */
  listName?: string;
  /**
   * When each barcode's value was accepted, if before this call (a catalog row's `updatedAt`, ISO-8601);
   * a chunk's job records the oldest of its items' so freshness runs from the catalog change.
   */
  acceptedAt?: ReadonlyMap<string, string>;
}

/** A held or deferred price as the push/sync response shows it (decimal numbers, as pushed). */
function toHeldView(h: HeldValue) {
  return {
    barcode: h.barcode,
    reason: h.reason,
    message: h.message,
    ...(h.salePrice !== undefined && { salePrice: Number(centsToJsonNumber(h.salePrice)) }),
    ...(h.listPrice !== undefined && { listPrice: Number(centsToJsonNumber(h.listPrice)) }),
    referenceSalePrice:
      h.referenceSalePrice === null ? null : Number(centsToJsonNumber(h.referenceSalePrice)),
    ...(h.retryAtMs !== null && { retryAt: new Date(h.retryAtMs).toISOString() }),
  };
}

/**
 * The push core, on already-validated domain items (prices in kuruş): coalesces, applies the stock
 * buffer, diffs against the latest accepted values, runs the price guard and the per-barcode price
 * budget, chunks, deduplicates, records the jobs and enqueues the chunks. The HTTP push parses JSON at
 * the edge and calls this; the catalog sync and held-value approval call it directly.
 * @throws AppError 409 when the connection is paused; ValidationError when listPrice < salePrice would
 *   result; AppError 503 when the queue is unavailable (jobs are then failed visibly).
 */
export async function pushItems(
  deps: PushDeps,
  connection: Connection,
  items: readonly InventoryItem[],
  flags: PushFlags,
  extra: PushItemsOptions = {},
) {
  if (connection.status === 'paused') {
    throw conflict('CONNECTION_PAUSED', `Connection ${connection.id} is paused; resume it to push.`);
  }
  const settings = await deps.catalog.getSettings(connection.id);
  const coalesced = coalesceItems(items).map((item) => applyStockBuffer(item, settings.stockBuffer));
  // One read for the diff, the price guard and the per-barcode budget.
  const state = await deps.inventory.findPushState(
    connection.id,
    coalesced.map((i) => i.barcode),
  );
  const known = state.known;
  checkPricePairs(coalesced, known, items, extra.listName ?? 'items');

  const { changed, skipped } = flags.force
    ? { changed: coalesced, skipped: [] }
    : diffItems(coalesced, known);
  const gate = decideWriteGate({
    dryRun: flags.dryRun,
    forceWriteParam: flags.forceWrite,
    writeEnabledEnv: deps.writeEnabledEnv,
    forceWriteAllowed: deps.forceWriteAllowed,
  });
  const now = deps.clock.now();
  const guarded = runGuards(changed, state, {
    thresholdPercent: settings.priceGuardPercent,
    skipPriceGuard: flags.force || extra.skipPriceGuard === true,
    nowMs: now.getTime(),
    force: flags.force,
  });
  const chunks = chunkItems(guarded.send);
  const pushId = deps.ids.next();
  const options: JobOptions = {
    dryRun: flags.dryRun,
    force: flags.force,
    forceWrite: flags.forceWrite,
    originalCount: items.length,
    coalescedCount: coalesced.length,
  };

  const results: PushJobResult[] = [];
  const newJobs: NewPushJob[] = [];
  const messages: ChunkMessage[] = [];
  const claims: Array<{ bodyHash: string; jobId: string }> = [];
  const acceptedAtOf = (chunk: Chunk): string | undefined =>
    chunk.items
      .map((i) => extra.acceptedAt?.get(i.barcode))
      .filter((at): at is string => at !== undefined)
      .sort()[0];
  const newJob = (chunk: Chunk, jobId: string, overrides: Partial<NewPushJob>): NewPushJob => ({
    id: jobId,
    status: 'queued',
    connectionId: connection.id,
    pushId,
    chunkIndex: chunk.chunkIndex,
    bodyHash: chunk.bodyHash,
    body: chunk.body,
    items: chunk.items,
    options: { ...options, ...(acceptedAtOf(chunk) !== undefined && { acceptedAt: acceptedAtOf(chunk) }) },
    notBefore: null,
    recordsIntent: gate.writeEnabled,
    ...overrides,
  });
  const base = (chunk: Chunk) => ({
    chunkIndex: chunk.chunkIndex,
    itemCount: chunk.items.length,
    bodyHash: chunk.bodyHash,
  });

  try {
    // Job ids in chunk order, as before, whatever order the dedup answers arrive in.
    const jobIds = chunks.map(() => deps.ids.next());
    // The chunks' dedup records are read and claimed concurrently (distinct bodies, so the claims are
    // independent); a failed claim leaves the others' claims recorded, so all are released below.
    const decisions = gate.writeEnabled
      ? await settleAll(
          chunks.map(
            (chunk, i) => () =>
              decideChunkDedup(deps, connection.id, chunk, jobIds[i] as string, known, now, claims),
          ),
        )
      : [];
    for (const [i, chunk] of chunks.entries()) {
      const jobId = jobIds[i] as string;
      const decision = decisions[i];
      if (decision === undefined) {
        // Nothing reaches Trendyol: no dedup record, so a dry run never blocks a real push.
        newJobs.push(newJob(chunk, jobId, {}));
        messages.push({
          jobId,
          connectionId: connection.id,
          groupId: groupIdFor(connection.id),
          deduplicationId: localDeduplicationId(chunk.bodyHash, jobId),
        });
        results.push({ ...base(chunk), dedup: false, jobId });
        continue;
      }
      if (decision.kind === 'duplicate') {
        results.push({ ...base(chunk), dedup: true, jobId: decision.jobId });
      } else if (decision.kind === 'revert') {
        newJobs.push(newJob(chunk, jobId, { status: 'scheduled', notBefore: decision.deliverAfter }));
        results.push({
          ...base(chunk),
          dedup: false,
          jobId,
          deliverAfter: decision.deliverAfter.toISOString(),
        });
      } else {
        newJobs.push(newJob(chunk, jobId, {}));
        messages.push({
          jobId,
          connectionId: connection.id,
          groupId: groupIdFor(connection.id),
          // Per job: the 15-minute claim already keeps one job per body, and SQS FIFO would drop a
          // value re-pushed within 5 minutes (say after its send failed) under the same id.
          deduplicationId: localDeduplicationId(chunk.bodyHash, jobId),
        });
        results.push({ ...base(chunk), dedup: false, jobId });
      }
    }
    if (newJobs.length > 0) await deps.jobs.createPushJobs(newJobs, now);
  } catch (error) {
    await releaseClaims(deps, connection.id, claims);
    throw error;
  }

  try {
    await deps.queue.send(messages);
  } catch (error) {
    // The jobs exist but will never run: end them visibly and free their bodies for a retry.
    for (const message of messages) {
      await deps.jobs.finish(
        message.jobId,
        {
          status: 'failed',
          summary: { note: 'not enqueued' },
          error: { code: 'QUEUE_UNAVAILABLE', message: 'The chunk could not be enqueued; push again.' },
        },
        deps.clock.now(),
      );
    }
    await releaseClaims(deps, connection.id, claims);
    throw unavailable('QUEUE_UNAVAILABLE', `The push could not be enqueued: ${(error as Error).message}`);
  }

  if (gate.writeEnabled) {
    await recordGuardOutcome(deps, connection.id, coalesced, guarded, pushId, now);
  }

  const enqueuedCount = messages.length;
  const scheduledCount = results.filter((r) => r.deliverAfter !== undefined).length;
  const dedupCount = results.filter((r) => r.dedup).length;
  const only = results.length === 1 ? results[0] : undefined;
  const response = {
    ok: true as const,
    // Follow the push's chunks with GET /v1/pushes/:pushId.
    pushId,
    dryRun: flags.dryRun,
    force: flags.force,
    forceWrite: flags.forceWrite,
    forceWriteAllowed: deps.forceWriteAllowed,
    originalCount: items.length,
    coalescedCount: coalesced.length,
    changedCount: changed.length,
    skippedCount: skipped.length,
    chunkSize: CHUNK_SIZE,
    chunkCount: chunks.length,
    enqueuedCount,
    dedupCount,
    dedupWindowMs: DEDUP_WINDOW_MS,
    ...(only && { jobId: only.jobId, bodyHash: only.bodyHash, dedup: only.dedup }),
    jobs: results,
    scheduledCount,
    heldCount: guarded.held.length,
    deferredCount: guarded.deferred.length,
    stockBuffer: settings.stockBuffer,
    ...(guarded.held.length + guarded.deferred.length > 0 && {
      // At most 100 listed; GET /v1/inventory/held lists them all.
      held: [...guarded.held, ...guarded.deferred].slice(0, 100).map(toHeldView),
    }),
    writeEnabled: gate.writeEnabled,
    ...(gate.note && { note: gate.note }),
    ...(scheduledCount > 0 && {
      revertNote:
        'A revert to a value sent less than 15 minutes ago is held until Trendyol accepts the identical body again (deliverAfter).',
    }),
  };
  return { httpStatus: enqueuedCount + scheduledCount > 0 ? 202 : 200, body: response };
}

/**
 * Claims a chunk's body for `jobId` (a won claim is appended to `claims`) and decides the chunk: a won
 * claim means no live record existed, so the body is sent; a lost claim returns the live record (an
 * earlier or concurrent push of the same body) and the chunk is decided against it.
 *
 * The claim comes first, without reading the record before: {@link decideDedup} answers `send` only
 * when there is no live prior (a live prior's deliverAfter, its createdAt + window + margin, is always
 * later than `now`), which is exactly when the claim succeeds; so one conditional write per fresh
 * body replaces a read and a write (half the DynamoDB calls of a push), and a duplicate costs a failed
 * claim plus the read-back of the winner.
 */
async function decideChunkDedup(
  deps: PushDeps,
  connectionId: string,
  chunk: Chunk,
  jobId: string,
  known: ReadonlyMap<string, KnownValue>,
  now: Date,
  claims: Array<{ bodyHash: string; jobId: string }>,
) {
  const claim = await deps.dedup.claim({
    connectionId,
    bodyHash: chunk.bodyHash,
    jobId,
    now,
    windowMs: DEDUP_WINDOW_MS,
  });
  if (claim.claimed) {
    claims.push({ bodyHash: chunk.bodyHash, jobId });
    return { kind: 'send' } as const;
  }
  return decideDedup({ prior: claim.existing, items: chunk.items, known, now, windowMs: DEDUP_WINDOW_MS });
}

/**
 * Runs the tasks concurrently and returns their results in order once all have ended; the first
 * failure (in task order) is thrown only then, so no task is still writing when the caller cleans up.
 */
async function settleAll<T>(tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(tasks.map((task) => task()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

async function releaseClaims(
  deps: PushDeps,
  connectionId: string,
  claims: Array<{ bodyHash: string; jobId: string }>,
) {
  for (const claim of claims) {
    await deps.dedup.release(connectionId, claim.bodyHash, claim.jobId).catch(() => undefined);
  }
}

/** Runs the guards on the changed items with what the push read (confirmed prices, recent price sends). */
function runGuards(
  changed: readonly InventoryItem[],
  state: PushState,
  options: { thresholdPercent: number; skipPriceGuard: boolean; nowMs: number; force: boolean },
): GuardResult {
  const { known, confirmedSalePrice, priceSends } = state;
  const quantityAfter = new Map<string, number | null>();
  // mergeWithKnown's quantity, without building its whole value per item
  for (const item of changed)
    quantityAfter.set(item.barcode, item.quantity ?? known.get(item.barcode)?.quantity ?? null);
  const stockUnchanged = new Set<string>();
  // force=1 sends everything as given, stock included.
  for (const item of options.force ? [] : changed) {
    const k = known.get(item.barcode);
    if (k && k.status !== 'failed' && item.quantity === k.quantity) stockUnchanged.add(item.barcode);
  }
  const { force: _force, ...guardOptions } = options;
  return guardItems(changed, {
    ...guardOptions,
    confirmedSalePrice,
    priceSends,
    quantityAfter,
    stockUnchanged,
  });
}

/**
 * After a push that really writes: held/deferred prices are stored (with history), and older holds of
 * barcodes this push settled are forgotten. (The price sends that use the per-barcode budget were
 * recorded with the jobs' intents by createPushJobs: a duplicate body creates no job, so it does not
 * use the budget.)
 */
async function recordGuardOutcome(
  deps: PushDeps,
  connectionId: string,
  coalesced: readonly InventoryItem[],
  guarded: GuardResult,
  pushId: string,
  now: Date,
) {
  const kept = [...guarded.held, ...guarded.deferred];
  const keptBarcodes = new Set(kept.map((h) => h.barcode));
  if ((await deps.catalog.countHolds(connectionId)) > 0) {
    // A stock-only item leaves a held price waiting; an item carrying a price supersedes it.
    const settled = coalesced
      .filter((i) => i.salePrice !== undefined || i.listPrice !== undefined)
      .map((i) => i.barcode)
      .filter((b) => !keptBarcodes.has(b));
    await deps.catalog.clearHolds(connectionId, settled);
  }
  if (kept.length > 0) await deps.catalog.saveHolds(connectionId, kept, pushId, now);
}
