import * as z from 'zod';
import { barcodeProblem } from '../../domain/barcode';
import { MAX_PAGE_LIMIT, parseCatalogUpsert } from '../../domain/catalog';
import { createConnectionBodySchema, updateConnectionBodySchema } from '../../domain/connection-input';
import { MAX_ITEMS_PER_PUSH } from '../../domain/inventory-item';
import { parsePushRequest, pushItemSchema, pushRequestBodySchema } from '../../domain/push-request';
import { batchRequestIdSchema, ecIdSchema, refineSafeText } from '../../domain/text';
import { FLAG_VALUES } from './request';

/**
 * Every request ECI's API accepts, in one place: per route its method, path, path parameters, query
 * string and body as zod schemas. The HTTP edge (api-app.ts) validates against these before a use case
 * runs; an OpenAPI document can be generated from the same table.
 *
 * Strictness, for every route: unknown query parameters and unknown body fields are 400s that name them;
 * a query parameter given twice is a 400; text refused by text.ts (NUL, control characters, unpaired
 * surrogates, bidi controls) is a 400 wherever it appears.
 */
export interface RouteSchema {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** `/v1/jobs/:id` style; parameter names match `params`' keys. */
  path: string;
  summary: string;
  /** Whether the route needs `x-api-key` (every `/v1` route does). */
  auth: boolean;
  params?: z.ZodObject;
  query: z.ZodObject;
  body?: z.ZodType;
  /**
   * The domain parser the edge runs on the body instead of `body` (the push and the catalog: every
   * item's problems are collected in one 400, prices become kuruş). `body` is the same strict shape
   * and documents it. The handler, and so the use case, receives only the parser's typed output.
   */
  parse?: (raw: unknown) => unknown;
  /** Success status. */
  status: number;
}

/** A boolean query flag: `1|0|true|false`, nothing else (see request.ts). Absent means false. */
export const flagSchema = z
  .enum(FLAG_VALUES, { error: 'must be 1, 0, true or false' })
  .transform((v) => v === '1' || v === 'true')
  .optional();

/** A barcode in a query (`?barcode=`): normalised and checked like a pushed one (barcode.ts). */
const barcodeQuerySchema = z
  .string()
  .superRefine(refineSafeText)
  .superRefine((b, ctx) => {
    const problem = barcodeProblem(b);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const noQuery = z.strictObject({});
const idParams = z.strictObject({ id: ecIdSchema });

/** The push's flags (DESIGN.md): dry run, send unchanged values, write on a write-disabled stage. */
export const pushQuerySchema = z.strictObject({
  dryRun: flagSchema,
  force: flagSchema,
  forceWrite: flagSchema,
});

export const dedupQuerySchema = z.strictObject({
  connectionId: ecIdSchema,
  bodyHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest (64 lowercase hex digits)'),
});

export const stateQuerySchema = z.strictObject({
  connectionId: ecIdSchema,
  barcode: barcodeQuerySchema.optional(),
  /** Paging cursor: the last barcode of the previous page (`nextAfter`). */
  after: barcodeQuerySchema.optional(),
  /** Only barcodes in this state (see push-reads.ts InventoryStateFilter); not with `barcode`. */
  state: z.enum(['failed', 'scheduled', 'unconfirmed', 'held', 'drifted']).optional(),
});

/**
 * Paging of the lists: `limit` (1–200, default 50) and `cursor`, the `nextCursor` of the previous page
 * (opaque; `null` on the last page). Answers are `{items, nextCursor}`.
 */
export const pageQueryShape = {
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .refine((n) => n <= 200, 'must be a whole number from 1 to 200')
    .optional(),
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/, "must be the previous page's nextCursor")
    .optional(),
};

export const listPushesQuerySchema = z.strictObject({ connectionId: ecIdSchema, ...pageQueryShape });

export const listJobsQuerySchema = z.strictObject({
  connectionId: ecIdSchema,
  status: z.enum(['scheduled', 'queued', 'running', 'success', 'failed']).optional(),
  /**
   * What became of the job's values (domain/job-confirmation.ts). `pending` = Trendyol accepted the
   * chunk (it has a batchRequestId) and the result is not settled yet; jobs never sent (dry runs,
   * writes disabled, still queued or scheduled) have no confirmation and match no value.
   */
  confirmation: z.enum(['pending', 'confirmed', 'partial', 'failed', 'unconfirmed']).optional(),
  ...pageQueryShape,
});

export const timelineQuerySchema = z.strictObject({
  connectionId: ecIdSchema,
  barcode: barcodeQuerySchema,
  ...pageQueryShape,
});

/** A page size in a query: decimal digits, 1–1000 (default 100, see domain/catalog.ts). */
const limitQuerySchema = z
  .string()
  .regex(/^[1-9][0-9]{0,3}$/, `must be an integer from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .refine((n) => n <= MAX_PAGE_LIMIT, `must be at most ${MAX_PAGE_LIMIT}`)
  .optional();

/** An opaque paging cursor: a `nextCursor` from an earlier page (base64url). */
const cursorQuerySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,400}$/, 'must be a nextCursor from an earlier page')
  .optional();

/** A page of a connection's catalog, held prices or drift: barcode order, `limit` rows after `cursor`. */
export const catalogPageQuerySchema = z.strictObject({
  connectionId: ecIdSchema,
  barcode: barcodeQuerySchema.optional(),
  limit: limitQuerySchema,
  cursor: cursorQuerySchema,
});

export const heldQuerySchema = catalogPageQuerySchema.extend({
  kind: z.enum(['guard', 'budget'], { error: 'must be "guard" or "budget"' }).optional(),
});

export const driftQuerySchema = catalogPageQuerySchema.omit({ barcode: true });

/** `PUT /v1/catalog/variants`: the push's item rules per variant (documents what the use case checks). */
export const catalogUpsertBodySchema = z.strictObject({
  connectionId: ecIdSchema,
  variants: z.array(pushItemSchema).min(1).max(MAX_ITEMS_PER_PUSH),
});

/** `POST /v1/inventory/held/approve`: which held prices to send. */
export const approveHeldBodySchema = z.strictObject({
  connectionId: ecIdSchema,
  barcodes: z
    .array(barcodeQuerySchema, { error: 'must be an array' })
    .min(1, 'must contain at least one barcode')
    .max(MAX_PAGE_LIMIT, `must contain at most ${MAX_PAGE_LIMIT} barcodes`),
});

export const ROUTES = {
  health: { method: 'GET', path: '/health', summary: 'Liveness', auth: false, query: noQuery, status: 200 },
  statusPage: {
    method: 'GET',
    path: '/',
    summary:
      'Status page (HTML): connections, pushes with progress, failed items, barcode timeline; asks for the key',
    auth: false,
    query: noQuery,
    status: 200,
  },
  openApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document (generated from these schemas)',
    auth: false,
    query: noQuery,
    status: 200,
  },
  createConnection: {
    method: 'POST',
    path: '/v1/connections',
    summary: 'Create a Trendyol connection (credentials go to the secret store)',
    auth: true,
    query: noQuery,
    body: createConnectionBodySchema,
    status: 201,
  },
  listConnections: {
    method: 'GET',
    path: '/v1/connections',
    summary: 'List connections',
    auth: true,
    query: noQuery,
    status: 200,
  },
  getConnection: {
    method: 'GET',
    path: '/v1/connections/:id',
    summary: 'One connection (never its credentials)',
    auth: true,
    params: idParams,
    query: noQuery,
    status: 200,
  },
  updateConnection: {
    method: 'PATCH',
    path: '/v1/connections/:id',
    summary: 'Rename, pause/resume or rotate credentials',
    auth: true,
    params: idParams,
    query: noQuery,
    body: updateConnectionBodySchema,
    status: 200,
  },
  getConnectionStatus: {
    method: 'GET',
    path: '/v1/connections/:id/status',
    summary: "A connection's last job and state",
    auth: true,
    params: idParams,
    query: noQuery,
    status: 200,
  },
  pushInventory: {
    method: 'POST',
    path: '/v1/inventory/push',
    summary: 'Push prices and stock (coalesced, diffed, chunked, deduplicated)',
    auth: true,
    query: pushQuerySchema,
    body: pushRequestBodySchema,
    parse: parsePushRequest,
    status: 202,
  },
  getJob: {
    method: 'GET',
    path: '/v1/jobs/:id',
    summary: 'One push job',
    auth: true,
    params: idParams,
    query: noQuery,
    status: 200,
  },
  getBatch: {
    method: 'GET',
    path: '/v1/inventory/batch/:batchRequestId',
    summary: "Poll one of ECI's batches at Trendyol now (Trendyol's batch-result shape)",
    auth: true,
    params: z.strictObject({ batchRequestId: batchRequestIdSchema }),
    query: noQuery,
    status: 200,
  },
  getDedupRecord: {
    method: 'GET',
    path: '/v1/inventory/dedup',
    summary: "A body's live 15-minute dedup record",
    auth: true,
    query: dedupQuerySchema,
    status: 200,
  },
  getInventoryState: {
    method: 'GET',
    path: '/v1/inventory/state',
    summary: 'Confirmed and in-flight values per barcode',
    auth: true,
    query: stateQuerySchema,
    status: 200,
  },
  putCatalogVariants: {
    method: 'PUT',
    path: '/v1/catalog/variants',
    summary: "Bulk-upsert the connection's catalog (product variants, ≤ 50,000, the push's item rules)",
    auth: true,
    query: noQuery,
    body: catalogUpsertBodySchema,
    parse: parseCatalogUpsert,
    status: 200,
  },
  listCatalogVariants: {
    method: 'GET',
    path: '/v1/catalog/variants',
    summary: "A page of the connection's catalog in barcode order",
    auth: true,
    query: catalogPageQuerySchema,
    status: 200,
  },
  syncConnection: {
    method: 'POST',
    path: '/v1/connections/:id/sync',
    summary: 'Sync the catalog now (the push response plus the guards counts)',
    auth: true,
    params: idParams,
    query: z.strictObject({ dryRun: flagSchema }),
    status: 202,
  },
  listHeld: {
    method: 'GET',
    path: '/v1/inventory/held',
    summary: 'Prices the guards hold back (price guard, per-barcode budget)',
    auth: true,
    query: heldQuerySchema,
    status: 200,
  },
  approveHeld: {
    method: 'POST',
    path: '/v1/inventory/held/approve',
    summary: 'Send the prices the price guard held for these barcodes',
    auth: true,
    query: noQuery,
    body: approveHeldBodySchema,
    status: 202,
  },
  listDrift: {
    method: 'GET',
    path: '/v1/inventory/drift',
    summary: 'Live values that differ from what Trendyol confirmed',
    auth: true,
    query: driftQuerySchema,
    status: 200,
  },
  getPush: {
    method: 'GET',
    path: '/v1/pushes/:pushId',
    summary: "One push: its chunks, counts per state and the failed items with Trendyol's reasons",
    auth: true,
    params: z.strictObject({ pushId: ecIdSchema }),
    query: noQuery,
    status: 200,
  },
  listPushes: {
    method: 'GET',
    path: '/v1/pushes',
    summary: "A connection's pushes, newest first, with progress ({items,nextCursor})",
    auth: true,
    query: listPushesQuerySchema,
    status: 200,
  },
  listJobs: {
    method: 'GET',
    path: '/v1/jobs',
    summary:
      "A connection's jobs (chunks), newest first, optionally one status and/or confirmation ({items,nextCursor})",
    auth: true,
    query: listJobsQuerySchema,
    status: 200,
  },
  getTimeline: {
    method: 'GET',
    path: '/v1/inventory/timeline',
    summary: "A barcode's story, oldest first: pushed, sent, confirmed or failed, with old and new values",
    auth: true,
    query: timelineQuerySchema,
    status: 200,
  },
} as const satisfies Record<string, RouteSchema>;

export type RouteName = keyof typeof ROUTES;
