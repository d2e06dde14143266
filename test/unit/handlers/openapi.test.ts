import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApi, openApiPath, openApiText } from '../../../lambdas/handlers/http/openapi';
import { ROUTES } from '../../../lambdas/handlers/http/request-schemas';

const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(buildOpenApi());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the validator refuses a broken document (so the check above can fail)', async () => {
    const doc = buildOpenApi();
    const broken = { ...doc, paths: { '/x': { get: { responses: 'none' } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('has every route of ROUTES, with its method, parameters and body', () => {
    const doc = buildOpenApi();
    for (const [name, route] of Object.entries(ROUTES)) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()] as
        | { operationId: string; parameters: Array<{ name: string; in: string }>; requestBody?: unknown }
        | undefined;
      expect(op?.operationId, `${route.method} ${route.path}`).toBe(name);
      const params = 'params' in route ? Object.keys(route.params.shape) : [];
      const query = Object.keys(route.query.shape);
      expect(op?.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(params);
      expect(op?.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(query);
      expect(op?.requestBody !== undefined).toBe('body' in route);
    }
  });

  it('documents query flags as the text callers send and the API key on /v1 routes only', () => {
    const doc = buildOpenApi();
    const push = doc.paths['/v1/inventory/push']?.post as {
      parameters: Array<{ name: string; schema: unknown }>;
      security: unknown[];
    };
    expect(push.parameters.find((p) => p.name === 'dryRun')?.schema).toEqual({
      type: 'string',
      enum: ['0', '1', 'true', 'false'],
    });
    expect(push.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/health']?.get).toMatchObject({ security: [] });
  });

  it('the committed docs/openapi.json is what `npm run openapi` writes now', () => {
    // When this fails after a route change: run `npm run openapi` and commit docs/openapi.json.
    expect(committed).toBe(openApiText());
  });

  it('a route added to the table appears in the document', () => {
    const doc = buildOpenApi({
      ...ROUTES,
      extra: { ...ROUTES.getJob, path: '/v1/extra/:id', summary: 'extra' },
    });
    expect(doc.paths['/v1/extra/{id}']?.get).toMatchObject({ operationId: 'extra', summary: 'extra' });
  });
});
