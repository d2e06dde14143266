import { type Chunk, chunkItems } from '../domain/chunk';
import { coalesceItems } from '../domain/coalesce';
import { decideDedup } from '../domain/dedup-decision';
import { diffItems, type KnownValue, mergeWithKnown } from '../domain/diff';
import { CHUNK_SIZE, DEDUP_WINDOW_MS } from '../domain/inventory-item';
import { parsePushRequest } from '../domain/push-request';
import { ValidationError, type ValidationIssue } from '../domain/validation-error';
import { decideWriteGate } from '../domain/write-gate';
import type { ChunkMessage, ChunkQueue } from '../ports/chunk-queue';
import type { Clock } from '../ports/clock';
import type { DedupStore } from '../ports/dedup-store';
import type { IdGenerator } from '../ports/id-generator';
import type {
  ConnectionRepository,
  InventoryRepository,
  JobOptions,
  JobRepository,
  NewPushJob,
} from '../ports/repositories';
import { requireConnection } from './connections';
import { conflict, unavailable } from './errors';

export interface PushDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
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

/** A message dedup id for chunks that never reach Trendyol, so a repeated dry run is not dropped by SQS. */
export function localDeduplicationId(bodyHash: string, jobId: string): string {
  return `${bodyHash}-${jobId}`;
}

function groupIdFor(connectionId: string): string {
  return connectionId;
}

/** listPrice ≥ salePrice must hold for the value the barcode will have, not only within one item. */
function checkPricePairs(
  items: ReturnType<typeof coalesceItems>,
  known: ReadonlyMap<string, KnownValue>,
  positions: ReadonlyMap<string, number>,
) {
  const issues: ValidationIssue[] = [];
  for (const item of items) {
    if (item.salePrice !== undefined && item.listPrice !== undefined) continue;
    const merged = mergeWithKnown(item, known.get(item.barcode));
    if (merged.salePrice !== null && merged.listPrice !== null && merged.listPrice < merged.salePrice) {
      const field = item.salePrice !== undefined ? 'salePrice' : 'listPrice';
      issues.push({
        path: `items.${positions.get(item.barcode)}.${field}`,
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
export async function pushInventory(deps: PushDeps, body: unknown, flags: PushFlags) {
  const request = parsePushRequest(body);
  const connection = await requireConnection(deps, request.connectionId);
  if (connection.status === 'paused') {
    throw conflict('CONNECTION_PAUSED', `Connection ${connection.id} is paused; resume it to push.`);
  }
  const coalesced = coalesceItems(request.items);
  const positions = new Map<string, number>();
  for (const [index, item] of request.items.entries()) positions.set(item.barcode, index);
  const known = await deps.inventory.findKnownValues(
    connection.id,
    coalesced.map((i) => i.barcode),
  );
  checkPricePairs(coalesced, known, positions);

  const { changed, skipped } = flags.force
    ? { changed: coalesced, skipped: [] }
    : diffItems(coalesced, known);
  const gate = decideWriteGate({
    dryRun: flags.dryRun,
    forceWriteParam: flags.forceWrite,
    writeEnabledEnv: deps.writeEnabledEnv,
    forceWriteAllowed: deps.forceWriteAllowed,
  });
  const chunks = chunkItems(changed);
  const now = deps.clock.now();
  const pushId = deps.ids.next();
  const options: JobOptions = {
    dryRun: flags.dryRun,
    force: flags.force,
    forceWrite: flags.forceWrite,
    originalCount: request.items.length,
    coalescedCount: coalesced.length,
  };

  const results: PushJobResult[] = [];
  const newJobs: NewPushJob[] = [];
  const messages: ChunkMessage[] = [];
  const claims: Array<{ bodyHash: string; jobId: string }> = [];
  const newJob = (chunk: Chunk, jobId: string, extra: Partial<NewPushJob>): NewPushJob => ({
    id: jobId,
    status: 'queued',
    connectionId: connection.id,
    pushId,
    chunkIndex: chunk.chunkIndex,
    bodyHash: chunk.bodyHash,
    body: chunk.body,
    items: chunk.items,
    options,
    notBefore: null,
    recordsIntent: gate.writeEnabled,
    ...extra,
  });
  const base = (chunk: Chunk) => ({
    chunkIndex: chunk.chunkIndex,
    itemCount: chunk.items.length,
    bodyHash: chunk.bodyHash,
  });

  try {
    for (const chunk of chunks) {
      const jobId = deps.ids.next();
      if (!gate.writeEnabled) {
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
      let prior = await deps.dedup.find(connection.id, chunk.bodyHash, now);
      let decision = decideDedup({ prior, items: chunk.items, known, now, windowMs: DEDUP_WINDOW_MS });
      if (decision.kind === 'send') {
        const claim = await deps.dedup.claim({
          connectionId: connection.id,
          bodyHash: chunk.bodyHash,
          jobId,
          now,
          windowMs: DEDUP_WINDOW_MS,
        });
        if (claim.claimed) {
          claims.push({ bodyHash: chunk.bodyHash, jobId });
        } else {
          // A concurrent push claimed the same body first: decide against its record instead.
          prior = claim.existing;
          decision = decideDedup({ prior, items: chunk.items, known, now, windowMs: DEDUP_WINDOW_MS });
        }
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
          deduplicationId: chunk.bodyHash,
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
    originalCount: request.items.length,
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
    writeEnabled: gate.writeEnabled,
    ...(gate.note && { note: gate.note }),
    ...(scheduledCount > 0 && {
      revertNote:
        'A revert to a value sent less than 15 minutes ago is held until Trendyol accepts the identical body again (deliverAfter).',
    }),
  };
  return { httpStatus: enqueuedCount + scheduledCount > 0 ? 202 : 200, body: response };
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
