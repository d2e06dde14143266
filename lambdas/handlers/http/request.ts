import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as z from 'zod';
import { toIssues } from '../../domain/push-request';
import { findUnsafeCharacter } from '../../domain/text';
import { ValidationError, type ValidationIssue } from '../../domain/validation-error';
import { AppError } from '../../use-cases/errors';
import { findJsonStructureProblem } from './json-structure';

/**
 * Lambda's synchronous payload limit is 6 MB for the whole event, in which the body is escaped;
 * 5 MiB of body still fits and holds 50,000 compact items.
 */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * Reads a JSON body, refusing (before anything else happens) what is too large (413), not sent as
 * `application/json` (415), empty, not JSON, repeating a key or nested too deep (400 MALFORMED_JSON).
 */
export function readJsonBody(event: APIGatewayProxyEvent): unknown {
  const raw = event.body ?? '';
  // A text body is measured, not copied: a 5 MiB push was copied into a Buffer and decoded back.
  const decoded = event.isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
  const size = decoded ? decoded.length : Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new AppError(
      413,
      'PAYLOAD_TOO_LARGE',
      `The body is ${size} bytes; the limit is ${MAX_BODY_BYTES}.`,
    );
  }
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new AppError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as JSON with Content-Type: application/json.',
    );
  }
  if (size === 0) throw new AppError(400, 'MALFORMED_JSON', 'The body is empty; a JSON object is expected.');
  // A lone surrogate became U+FFFD through the UTF-8 round trip; a well-formed string (any body that
  // arrived as bytes) is the same text without it.
  const text = decoded
    ? decoded.toString('utf8')
    : (raw as string & { isWellFormed(): boolean }).isWellFormed()
      ? raw
      : Buffer.from(raw, 'utf8').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // V8 quotes a slice of the text in its message; that slice may hold a credential, so only the
    // position is kept.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new AppError(
      400,
      'MALFORMED_JSON',
      `The body is not valid JSON${position === undefined ? '' : ` (at character ${position})`}.`,
    );
  }
  const problem = findJsonStructureProblem(text);
  if (problem) {
    throw new AppError(
      400,
      'MALFORMED_JSON',
      `The body is ambiguous JSON: ${problem.path} ${problem.message}.`,
      [problem],
    );
  }
  return parsed;
}

/**
 * A boolean query flag: exactly `1`, `0`, `true` or `false`. Anything else (`on`, `yes`, `TRUE`, an empty
 * value) is a 400, never "off": a misspelt `dryRun` must not turn into a live write.
 */
export const FLAG_VALUES = ['1', '0', 'true', 'false'] as const;

/**
 * Validates the query string against a route's strict schema. Refused with 400 VALIDATION_FAILED, each
 * problem located as `query.<name>`: a parameter the route does not know, one given more than once
 * (`?dryRun=1&dryRun=0`), a name or value holding characters ECI refuses in any text, and whatever the
 * schema refuses. Returns the schema's output.
 */
export function readQuery<S extends z.ZodObject>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const multi: Record<string, string[]> = {};
  if (event.multiValueQueryStringParameters) {
    for (const [key, values] of Object.entries(event.multiValueQueryStringParameters)) {
      multi[key] = values ?? [];
    }
  } else {
    for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
      multi[key] = value === undefined ? [] : [value];
    }
  }
  const known = Object.keys(schema.shape);
  const issues: ValidationIssue[] = [];
  const single: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, values] of Object.entries(multi)) {
    const unsafeKey = findUnsafeCharacter(key);
    if (unsafeKey) {
      issues.push({ path: 'query', message: `a parameter name contains ${unsafeKey}` });
      continue;
    }
    if (!known.includes(key)) {
      unknown.push(key);
      issues.push({
        path: `query.${key}`,
        message: `unknown query parameter; this route accepts ${known.length > 0 ? known.join(', ') : 'none'}`,
      });
      continue;
    }
    if (values.length !== 1) {
      issues.push({ path: `query.${key}`, message: `given ${values.length} times; give it once` });
      continue;
    }
    const value = values[0] ?? '';
    const unsafe = findUnsafeCharacter(value);
    if (unsafe) {
      issues.push({ path: `query.${key}`, message: `must not contain ${unsafe}` });
      continue;
    }
    single[key] = value;
  }
  if (issues.length === 0) {
    const parsed = schema.safeParse(single);
    if (parsed.success) return parsed.data;
    issues.push(...toIssues(parsed.error, ['query']));
  }
  const message =
    unknown.length > 0
      ? `Unknown query parameter(s): ${unknown.map((k) => JSON.stringify(k)).join(', ')}.`
      : describeIssues('query string', issues);
  throw new ValidationError(message, issues);
}

/** `The query string is invalid: query.dryRun must be 1, 0, true or false (and 1 more).` */
function describeIssues(what: string, issues: ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return `The ${what} is invalid.`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `The ${what} is invalid: ${first.path} ${first.message}${more}.`;
}

/**
 * Validates a JSON body (or the path parameters, with `prefix` `['path']`) against a route's schema;
 * problems are located by their path in it.
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
  prefix: string[] = [],
): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = toIssues(parsed.error, prefix);
    throw new ValidationError(describeIssues(what, issues), issues);
  }
  return parsed.data;
}
