import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AppError } from '../../use-cases/errors';

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

/** Reads a JSON body, refusing (before anything else happens) what is not JSON or too large. */
export function readJsonBody(event: APIGatewayProxyEvent): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new AppError(
      413,
      'PAYLOAD_TOO_LARGE',
      `The body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}.`,
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
  if (bytes.length === 0)
    throw new AppError(400, 'MALFORMED_JSON', 'The body is empty; a JSON object is expected.');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new AppError(400, 'MALFORMED_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** `?dryRun=1` (also `true`/`yes`) turns a flag on; anything else leaves it off. */
export function queryFlag(event: APIGatewayProxyEvent, name: string): boolean {
  const value = event.queryStringParameters?.[name];
  return value !== undefined && value !== null && /^(1|true|yes)$/i.test(value);
}
