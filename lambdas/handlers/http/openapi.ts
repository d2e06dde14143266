import * as z from 'zod';
import { ROUTES, type RouteSchema } from './request-schemas';

/**
 * The OpenAPI 3.1 document of ECI's API, generated from the same zod schemas the HTTP edge validates
 * with (request-schemas.ts `ROUTES`): a route added there appears here with no second edit.
 *
 * Schemas are converted with zod 4's `z.toJSONSchema` in `input` mode, i.e. what a caller sends (a query
 * flag is the text `1|0|true|false`, not the boolean it becomes). OpenAPI 3.1 uses JSON Schema draft
 * 2020-12 as its schema dialect, which is what zod emits. Rules zod cannot express as JSON Schema
 * (custom refinements: barcode rules, safe text, kuruş-exact prices) are stated in the summaries and the
 * README; the edge still enforces them.
 */
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
};

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

function toSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  // The document declares the dialect once (jsonSchemaDialect); per-schema $schema is noise.
  const { $schema: _dialect, ...rest } = out as JsonSchema;
  return rest;
}

/** `/v1/jobs/:id` → `/v1/jobs/{id}` (OpenAPI's path template syntax). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

function parametersOf(route: RouteSchema): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema);
    const required = new Set(json.required ?? []);
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
  }
  return out;
}

const errorSchema = {
  type: 'object',
  required: ['ok', 'error'],
  properties: {
    ok: { const: false },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: {} },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operationOf(name: string, route: RouteSchema) {
  const isPage = route.path === '/';
  const responses: Record<string, unknown> = {
    [String(route.status)]: {
      description: route.summary,
      content: isPage
        ? { 'text/html': { schema: { type: 'string' } } }
        : { 'application/json': { schema: {} } },
    },
    '400': errorResponse('Bad input (unknown or repeated parameter, invalid value); nothing changed'),
  };
  if (route.auth) responses['401'] = errorResponse('Missing or wrong x-api-key');
  if (route.params) responses['404'] = errorResponse('No such resource');
  const operation: Record<string, unknown> = {
    operationId: name,
    summary: route.summary,
    parameters: parametersOf(route),
    responses,
    security: route.auth ? [{ apiKey: [] }] : [],
  };
  if (route.body) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: toSchema(route.body) } },
    };
  }
  return operation;
}

/**
 * Builds the document from `routes` (ECI's `ROUTES` by default). Deterministic: the same table gives
 * byte-identical JSON, so the committed copy (docs/openapi.json) can be compared in a test.
 */
export function buildOpenApi(routes: Record<string, RouteSchema> = ROUTES): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [name, route] of Object.entries(routes)) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(name, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ECI — Trendyol price and stock sync',
      version: '1',
      description:
        'Every /v1 route needs the x-api-key header. Every route is strict: an unknown query parameter or ' +
        'body field, a parameter given twice or unsafe text is a 400 that names it. Prices are TRY with at ' +
        'most two decimals (kept as integer kuruş). Generated from the validation schemas; see README.md.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: { Error: errorSchema },
    },
  } as OpenApiDocument;
}

/** The committed copy's text: two-space JSON with a final newline (what `npm run openapi` writes). */
export function openApiText(doc: OpenApiDocument = buildOpenApi()): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
