import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '../../domain/validation-error';
import {
  approveHeld,
  listCatalogVariants,
  listDrift,
  listHeld,
  upsertCatalogVariants,
} from '../../use-cases/catalog';
import { syncConnectionNow } from '../../use-cases/catalog-sync';
import type { PushDeps } from '../../use-cases/push-inventory';
import { readJsonBody } from './request';
import { json } from './responses';
import type { RouteHandler } from './router';

/** Query parameters as one flat record; a parameter given twice or not in `allowed` is a 400 naming it. */
function strictQuery(event: APIGatewayProxyEvent, allowed: readonly string[]): Record<string, string> {
  const issues: Array<{ path: string; message: string }> = [];
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if ((values?.length ?? 0) > 1) issues.push({ path: name, message: 'must be given once' });
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!allowed.includes(name)) issues.push({ path: name, message: 'unknown query parameter' });
    else if (value !== undefined) out[name] = value;
  }
  if (issues.length > 0) throw new ValidationError('The query is invalid.', issues);
  return out;
}

/** Boolean flags accept exactly 1|0|true|false (absent = false). */
function strictFlag(query: Record<string, string>, name: string): boolean {
  const value = query[name];
  if (value === undefined) return false;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ValidationError('The query is invalid.', [
    { path: name, message: 'must be 1, 0, true or false' },
  ]);
}

/**
 * The catalog, sync and guard routes (issue 11), registered by the API app beside its own routes:
 * `PUT|GET /v1/catalog/variants`, `POST /v1/connections/:id/sync`, `GET /v1/inventory/held`,
 * `POST /v1/inventory/held/approve`, `GET /v1/inventory/drift`.
 */
export function catalogRoutes(
  resolveDeps: () => Promise<PushDeps>,
): Array<[method: string, path: string, handler: RouteHandler]> {
  return [
    [
      'PUT',
      '/v1/catalog/variants',
      async (event) => {
        strictQuery(event, []);
        const body = readJsonBody(event);
        return json(200, await upsertCatalogVariants(await resolveDeps(), body));
      },
    ],
    [
      'GET',
      '/v1/catalog/variants',
      async (event) => {
        const query = strictQuery(event, ['connectionId', 'barcode', 'limit', 'cursor']);
        return json(200, await listCatalogVariants(await resolveDeps(), query));
      },
    ],
    [
      'POST',
      '/v1/connections/:id/sync',
      async (event, p) => {
        const query = strictQuery(event, ['dryRun']);
        const result = await syncConnectionNow(await resolveDeps(), p.id ?? '', {
          dryRun: strictFlag(query, 'dryRun'),
        });
        return json(result.httpStatus, result.body);
      },
    ],
    [
      'GET',
      '/v1/inventory/held',
      async (event) => {
        const query = strictQuery(event, ['connectionId', 'barcode', 'kind', 'limit', 'cursor']);
        return json(200, await listHeld(await resolveDeps(), query));
      },
    ],
    [
      'GET',
      '/v1/inventory/drift',
      async (event) => {
        const query = strictQuery(event, ['connectionId', 'limit', 'cursor']);
        return json(200, await listDrift(await resolveDeps(), query));
      },
    ],
    [
      'POST',
      '/v1/inventory/held/approve',
      async (event) => {
        strictQuery(event, []);
        const body = readJsonBody(event);
        const result = await approveHeld(await resolveDeps(), body);
        return json(result.httpStatus, result.body);
      },
    ],
  ];
}
