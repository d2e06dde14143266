import { normalizeBarcode } from '../domain/barcode';
import { freshnessOf } from '../domain/freshness';
import type { JobConfirmation } from '../domain/job-confirmation';
import { centsToJsonNumber } from '../domain/money';
import { chunkItemOutcome, chunkState, pushTotals } from '../domain/push-progress';
import type { Clock } from '../ports/clock';
import type { JobHeader, PushReadRepository, TimelineEntry } from '../ports/push-reads';
import type { ConnectionRepository, Job } from '../ports/repositories';
import { requireConnection } from './connections';
import { notFound } from './errors';

/** Default and largest page sizes of the lists (items per page). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** At most this many failed items are listed in one push's answer (the count is always exact). */
export const FAILED_ITEMS_LIMIT = 500;

export interface ReadDeps {
  connections: ConnectionRepository;
  pushReads: PushReadRepository;
  clock: Clock;
}

const HOUR_MS = 3_600_000;

/**
 * A connection's freshness (domain/freshness.ts): p50/p95 of accept → Trendyol-confirmed, per confirmed
 * item, over the last hour and the last day (by the time the result arrived), from the injected clock.
 */
export async function getFreshness(deps: ReadDeps, connectionId: string) {
  const now = deps.clock.now();
  const day = await deps.pushReads.confirmationLags(connectionId, new Date(now.getTime() - 24 * HOUR_MS));
  const hourStart = now.getTime() - HOUR_MS;
  return {
    lastHour: freshnessOf(day.filter((s) => Date.parse(s.settledAt) >= hourStart)),
    lastDay: freshnessOf(day),
  };
}

/**
 * The lists' cursor: the opaque text of `nextCursor` from the previous page (today a decimal sequence
 * number). Its format is validated at the edge (request-schemas.ts) so here it is a number.
 */
function cursorOf(cursor: string | undefined): number | null {
  return cursor === undefined ? null : Number(cursor);
}

function page<T>(rows: T[], limit: number, keyOf: (row: T) => number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? String(keyOf(last)) : null };
}

function price(cents: number | null): number | null {
  return cents === null ? null : Number(centsToJsonNumber(cents));
}

/** A chunk as the push and job lists show it (never the body or items). */
export function toChunkView(job: JobHeader) {
  return {
    jobId: job.id,
    pushId: job.pushId,
    connectionId: job.connectionId,
    chunkIndex: job.chunkIndex,
    itemCount: job.itemCount,
    status: job.status,
    state: chunkState(job),
    ...chunkItemOutcome(job),
    batchRequestId: job.batchRequestId,
    notBefore: job.notBefore,
    error: job.error,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

/**
 * GET /v1/pushes/:pushId — the push's chunks, counts per chunk state and per item outcome, and the
 * failed items with Trendyol's reasons (verbatim). 404 when no job carries the push id.
 */
export async function getPush(deps: ReadDeps, pushId: string) {
  const chunks = await deps.pushReads.jobsOfPush(pushId);
  const first = chunks[0];
  if (!first) throw notFound('PUSH_NOT_FOUND', `Push ${pushId} does not exist.`);
  const totals = pushTotals(chunks, await deps.pushReads.heldCountOfPush(pushId));
  const failedItems = await deps.pushReads.failedItemsOfPush(pushId, FAILED_ITEMS_LIMIT);
  return {
    pushId,
    connectionId: first.connectionId,
    createdAt: first.createdAt,
    dryRun: first.options.dryRun,
    done: totals.done,
    chunkCount: chunks.length,
    counts: totals.chunks,
    items: totals.items,
    chunks: chunks.map(toChunkView),
    failedItems,
  };
}

/** GET /v1/pushes?connectionId=… — a connection's pushes, newest first, with their progress. */
export async function listPushes(
  deps: ReadDeps,
  query: { connectionId: string; limit?: number; cursor?: string },
) {
  await requireConnection(deps, query.connectionId);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await deps.pushReads.listPushes(query.connectionId, cursorOf(query.cursor), limit + 1);
  const result = page(rows, limit, (p) => p.firstSeq);
  const items = [];
  for (const push of result.items) {
    const totals = pushTotals(
      await deps.pushReads.jobsOfPush(push.pushId),
      await deps.pushReads.heldCountOfPush(push.pushId),
    );
    const { firstSeq: _seq, ...view } = push;
    items.push({ ...view, done: totals.done, counts: totals.chunks, items: totals.items });
  }
  return { items, nextCursor: result.nextCursor };
}

/**
 * GET /v1/jobs?connectionId=…&status=…&confirmation=… — jobs newest first. `confirmation=pending` lists
 * chunks Trendyol accepted whose result is not settled yet; jobs never sent have no confirmation.
 */
export async function listJobs(
  deps: ReadDeps,
  query: {
    connectionId: string;
    status?: Job['status'];
    confirmation?: JobConfirmation;
    limit?: number;
    cursor?: string;
  },
) {
  await requireConnection(deps, query.connectionId);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await deps.pushReads.listJobs(
    { connectionId: query.connectionId, status: query.status, confirmation: query.confirmation },
    cursorOf(query.cursor),
    limit + 1,
  );
  const result = page(rows, limit, (j) => j.seq);
  return { items: result.items.map(toChunkView), nextCursor: result.nextCursor };
}

type Value = { quantity: number | null; salePrice: number | null; listPrice: number | null };

function valueAt(entry: TimelineEntry): Value {
  return { quantity: entry.quantity, salePrice: price(entry.salePrice), listPrice: price(entry.listPrice) };
}

/**
 * GET /v1/inventory/timeline?connectionId=…&barcode=… — the barcode's story, oldest first: each entry
 * says what happened (pushed, superseded, sent, confirmed, failed), in which job and batch, with the
 * whole value after it (`new`, fields a partial push omitted keep their previous value), the fields the
 * entry carried (`changed`) and the value it replaces (`old`): for `pushed` the previously accepted value,
 * for `confirmed` the previously confirmed one, otherwise null. Failed entries carry Trendyol's reasons.
 */
export async function getTimeline(
  deps: ReadDeps,
  query: { connectionId: string; barcode: string; limit?: number; cursor?: string },
) {
  await requireConnection(deps, query.connectionId);
  const barcode = normalizeBarcode(query.barcode);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const cursor = cursorOf(query.cursor);
  // `old` needs the entries before the page too; a barcode's history is short (one line per event).
  const before =
    cursor === null ? [] : await deps.pushReads.timeline(query.connectionId, barcode, null, cursor);
  const rows = await deps.pushReads.timeline(query.connectionId, barcode, cursor, limit + 1);
  const result = page(rows, limit, (e) => e.id);
  // A push may carry only some fields; `new` is the whole value after the entry (omitted fields keep
  // the previous value, as mergeWithKnown does for the diff), `changed` the fields the entry carried.
  const lastOf: Partial<Record<'pushed' | 'confirmed', Value>> = {};
  const merge = (base: Value | undefined, entry: TimelineEntry): Value => {
    const own = valueAt(entry);
    return {
      quantity: own.quantity ?? base?.quantity ?? null,
      salePrice: own.salePrice ?? base?.salePrice ?? null,
      listPrice: own.listPrice ?? base?.listPrice ?? null,
    };
  };
  const track = (entry: TimelineEntry) => {
    // A drift entry carries the live value and replaces, at Trendyol, the one it had confirmed.
    const kind = entry.event === 'confirmed' || entry.event === 'drift' ? 'confirmed' : 'pushed';
    const old = lastOf[kind] ?? null;
    const value = merge(lastOf[kind], entry);
    if (entry.event === 'pushed' || entry.event === 'confirmed') lastOf[entry.event] = value;
    return { old, value };
  };
  for (const entry of before.filter((e) => cursor !== null && e.id <= cursor)) track(entry);
  const items = result.items.map((entry) => {
    const { old, value } = track(entry);
    const own = valueAt(entry);
    return {
      cursor: String(entry.id),
      event: entry.event,
      at: entry.at,
      jobId: entry.jobId,
      batchRequestId: entry.batchRequestId,
      old: entry.event === 'pushed' || entry.event === 'confirmed' || entry.event === 'drift' ? old : null,
      new: value,
      changed: (Object.keys(own) as Array<keyof Value>).filter((k) => own[k] !== null),
      failureReasons: entry.failureReasons,
    };
  });
  return { connectionId: query.connectionId, barcode, items, nextCursor: result.nextCursor };
}
