import { timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import type { MetricsSink } from '../composition/observability';
import { ValidationError } from '../domain/validation-error';
import {
  approveHeld,
  listCatalogVariants,
  listDrift,
  listHeld,
  upsertCatalogVariants,
} from '../use-cases/catalog';
import { syncConnectionNow } from '../use-cases/catalog-sync';
import {
  type ConnectionDeps,
  createConnection,
  getConnection,
  getConnectionStatus,
  listConnections,
  updateConnection,
} from '../use-cases/connections';
import { getDedupRecord } from '../use-cases/dedup-record';
import { AppError } from '../use-cases/errors';
import { getInventoryState } from '../use-cases/inventory-state';
import { getJob } from '../use-cases/jobs';
import { type PollDeps, pollBatchOnDemand } from '../use-cases/poll-batch';
import { type PushDeps, pushInventory } from '../use-cases/push-inventory';
import { getFreshness, getPush, getTimeline, listJobs, listPushes, type ReadDeps } from '../use-cases/pushes';
import { toBatchView } from './http/batch-view';
import { type ErrorLogger, errorMapper } from './http/error-mapper';
import { buildOpenApi } from './http/openapi';
import { header, parseBody, readJsonBody, readQuery } from './http/request';
import { ROUTES, type RouteSchema } from './http/request-schemas';
import { json } from './http/responses';
import { createRouter, type RouteHandler } from './http/router';
import { statusPage } from './http/status-page';

export type ApiDeps = ConnectionDeps &
  PushDeps &
  ReadDeps &
  PollDeps & {
    /**
     * The key callers must send as `x-api-key`. Locally the handler checks it; on AWS, API Gateway's
     * API keys and usage plan check the same header before the function runs, so it is left unset.
     */
    apiKey?: string;
    metrics?: MetricsSink;
  };

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requireApiKey(deps: ApiDeps, event: APIGatewayProxyEvent) {
  if (deps.apiKey === undefined) return;
  const given = header(event, 'x-api-key');
  if (given === undefined || given === '') {
    throw new AppError(401, 'UNAUTHORIZED', 'Send your API key in the x-api-key header.');
  }
  if (!sameKey(given, deps.apiKey)) throw new AppError(401, 'UNAUTHORIZED', 'The API key is not valid.');
}

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a route's handler receives: everything already validated against its {@link RouteSchema}. */
interface RouteInput<S extends RouteSchema> {
  event: APIGatewayProxyEvent;
  params: Output<S['params']>;
  query: z.output<S['query']>;
  body: S['parse'] extends (raw: unknown) => infer T ? T : Output<S['body']>;
}

/**
 * Binds a handler to its schemas: path parameters, then the query string, then the body are validated
 * (each a 400 naming what is wrong) before the handler, and so before any use case, runs.
 */
function bind<S extends RouteSchema>(
  spec: S,
  handler: (input: RouteInput<S>) => Promise<APIGatewayProxyResult>,
): [string, string, RouteHandler] {
  return [
    spec.method,
    spec.path,
    async (event, rawParams) => {
      const params = spec.params ? parseBody(spec.params, rawParams, 'path', ['path']) : undefined;
      const query = readQuery(event, spec.query);
      let body: unknown;
      if (spec.body) {
        const raw = readJsonBody(event);
        body = spec.parse ? spec.parse(raw) : parseBody(spec.body, raw, 'request body');
      } else if ((event.body ?? '') !== '') {
        // A body the route does not read is refused, not ignored: `{"dryRun":true}` on the sync
        // route must not become a live write because its flag belongs in the query.
        throw new ValidationError(
          `${spec.method} ${spec.path} takes no body; send its options in the query.`,
          [{ path: 'body', message: 'this route takes no body' }],
        );
      }
      return handler({ event, params, query, body } as RouteInput<S>);
    },
  ];
}

/**
 * Builds the API's route table over use cases; `resolveDeps` is called per request (cheap after cold
 * start). Each route's request shape lives in http/request-schemas.ts; add a route there and here.
 */
export function createApiApp(resolveDeps: () => Promise<ApiDeps>) {
  const route = createRouter([
    bind(ROUTES.health, async () => json(200, { ok: true })),
    bind(ROUTES.openApi, async () => json(200, buildOpenApi())),
    bind(ROUTES.statusPage, async () => statusPage()),
    bind(ROUTES.createConnection, async ({ body }) =>
      json(201, await createConnection(await resolveDeps(), body)),
    ),
    bind(ROUTES.listConnections, async () => json(200, await listConnections(await resolveDeps()))),
    bind(ROUTES.getConnection, async ({ params }) =>
      json(200, await getConnection(await resolveDeps(), params.id)),
    ),
    bind(ROUTES.updateConnection, async ({ params, body }) =>
      json(200, await updateConnection(await resolveDeps(), params.id, body)),
    ),
    bind(ROUTES.getConnectionStatus, async ({ params }) => {
      const deps = await resolveDeps();
      const status = await getConnectionStatus(deps, params.id);
      return json(200, { ...status, freshness: await getFreshness(deps, params.id) });
    }),
    bind(ROUTES.pushInventory, async ({ query, body }) => {
      const deps = await resolveDeps();
      const result = await pushInventory(deps, body, {
        dryRun: query.dryRun ?? false,
        force: query.force ?? false,
        forceWrite: query.forceWrite ?? false,
      });
      const r = result.body;
      deps.metrics?.count('ItemsPushed', r.changedCount);
      deps.metrics?.count('ItemsSkipped', r.skippedCount);
      deps.metrics?.count('ChunksDeduplicated', r.dedupCount);
      deps.metrics?.count('ChunksScheduled', r.scheduledCount);
      return json(result.httpStatus, result.body);
    }),
    bind(ROUTES.getJob, async ({ params }) => json(200, await getJob(await resolveDeps(), params.id))),
    bind(ROUTES.getBatch, async ({ params }) =>
      json(200, toBatchView(await pollBatchOnDemand(await resolveDeps(), params.batchRequestId))),
    ),
    bind(ROUTES.getDedupRecord, async ({ query }) =>
      json(200, await getDedupRecord(await resolveDeps(), query)),
    ),
    bind(ROUTES.getInventoryState, async ({ query }) =>
      json(200, await getInventoryState(await resolveDeps(), query)),
    ),
    bind(ROUTES.putCatalogVariants, async ({ body }) =>
      json(200, await upsertCatalogVariants(await resolveDeps(), body)),
    ),
    bind(ROUTES.listCatalogVariants, async ({ query }) =>
      json(200, await listCatalogVariants(await resolveDeps(), query)),
    ),
    bind(ROUTES.syncConnection, async ({ params, query }) => {
      const result = await syncConnectionNow(await resolveDeps(), params.id, {
        dryRun: query.dryRun ?? false,
      });
      return json(result.httpStatus, result.body);
    }),
    bind(ROUTES.listHeld, async ({ query }) => json(200, await listHeld(await resolveDeps(), query))),
    bind(ROUTES.approveHeld, async ({ body }) => {
      const result = await approveHeld(await resolveDeps(), body);
      return json(result.httpStatus, result.body);
    }),
    bind(ROUTES.listDrift, async ({ query }) => json(200, await listDrift(await resolveDeps(), query))),
    bind(ROUTES.getPush, async ({ params }) => json(200, await getPush(await resolveDeps(), params.pushId))),
    bind(ROUTES.listPushes, async ({ query }) => json(200, await listPushes(await resolveDeps(), query))),
    bind(ROUTES.listJobs, async ({ query }) => json(200, await listJobs(await resolveDeps(), query))),
    bind(ROUTES.getTimeline, async ({ query }) => json(200, await getTimeline(await resolveDeps(), query))),
  ]);

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    if ((event.path ?? '').startsWith('/v1/')) requireApiKey(await resolveDeps(), event);
    return route(event);
  };
}

export function createApiHandler(resolveDeps: () => Promise<ApiDeps>, logger: ErrorLogger) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(errorMapper(logger))
    .handler(createApiApp(resolveDeps));
}
