import { timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { MetricsSink } from '../composition/observability';
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
import { catalogRoutes } from './http/catalog-routes';
import { type ErrorLogger, errorMapper } from './http/error-mapper';
import { header, queryFlag, readJsonBody } from './http/request';
import { json } from './http/responses';
import { createRouter } from './http/router';

export type ApiDeps = ConnectionDeps &
  PushDeps &
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

/** Builds the API's route table over use cases; `resolveDeps` is called per request (cheap after cold start). */
export function createApiApp(resolveDeps: () => Promise<ApiDeps>) {
  const route = createRouter([
    ['GET', '/health', async () => json(200, { ok: true })],
    [
      'POST',
      '/v1/connections',
      async (event) => json(201, await createConnection(await resolveDeps(), readJsonBody(event))),
    ],
    ['GET', '/v1/connections', async () => json(200, await listConnections(await resolveDeps()))],
    [
      'GET',
      '/v1/connections/:id',
      async (_, p) => json(200, await getConnection(await resolveDeps(), p.id ?? '')),
    ],
    [
      'PATCH',
      '/v1/connections/:id',
      async (event, p) =>
        json(200, await updateConnection(await resolveDeps(), p.id ?? '', readJsonBody(event))),
    ],
    [
      'GET',
      '/v1/connections/:id/status',
      async (_, p) => json(200, await getConnectionStatus(await resolveDeps(), p.id ?? '')),
    ],
    [
      'POST',
      '/v1/inventory/push',
      async (event) => {
        const body = readJsonBody(event);
        const deps = await resolveDeps();
        const result = await pushInventory(deps, body, {
          dryRun: queryFlag(event, 'dryRun'),
          force: queryFlag(event, 'force'),
          forceWrite: queryFlag(event, 'forceWrite'),
        });
        const r = result.body;
        deps.metrics?.count('ItemsPushed', r.changedCount);
        deps.metrics?.count('ItemsSkipped', r.skippedCount);
        deps.metrics?.count('ChunksDeduplicated', r.dedupCount);
        deps.metrics?.count('ChunksScheduled', r.scheduledCount);
        return json(result.httpStatus, result.body);
      },
    ],
    ['GET', '/v1/jobs/:id', async (_, p) => json(200, await getJob(await resolveDeps(), p.id ?? ''))],
    [
      'GET',
      '/v1/inventory/batch/:batchRequestId',
      async (_, p) => json(200, await pollBatchOnDemand(await resolveDeps(), p.batchRequestId ?? '')),
    ],
    [
      'GET',
      '/v1/inventory/dedup',
      async (event) => {
        const q = event.queryStringParameters ?? {};
        return json(
          200,
          await getDedupRecord(await resolveDeps(), {
            ...(q.connectionId && { connectionId: q.connectionId }),
            ...(q.bodyHash && { bodyHash: q.bodyHash }),
          }),
        );
      },
    ],
    [
      'GET',
      '/v1/inventory/state',
      async (event) => {
        const q = event.queryStringParameters ?? {};
        return json(
          200,
          await getInventoryState(await resolveDeps(), {
            ...(q.connectionId && { connectionId: q.connectionId }),
            ...(q.barcode && { barcode: q.barcode }),
            ...(q.after && { after: q.after }),
          }),
        );
      },
    ],
    ...catalogRoutes(resolveDeps),
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
