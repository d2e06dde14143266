import type { ConnectionCredentials } from '../../ports/secret-store';

/**
 * Thrown when a stored secret is not `{ apiKey, apiSecret }`. The message names the secret, never its
 * content, and carries no cause: JSON.parse errors quote the input they choked on.
 */
export class MalformedSecretError extends Error {
  constructor(secretRef: string, reason: string) {
    super(`secret ${secretRef} is malformed: ${reason}`);
    this.name = 'MalformedSecretError';
  }
}

export function serializeCredentials(credentials: ConnectionCredentials): string {
  return JSON.stringify(validCredentials(credentials));
}

export function parseCredentials(secretRef: string, text: string | undefined): ConnectionCredentials {
  if (text === undefined) throw new MalformedSecretError(secretRef, 'it has no string value');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedSecretError(secretRef, 'it is not JSON');
  }
  return toCredentials(secretRef, value);
}

export function toCredentials(secretRef: string, value: unknown): ConnectionCredentials {
  if (typeof value !== 'object' || value === null) {
    throw new MalformedSecretError(secretRef, 'expected an object with apiKey and apiSecret');
  }
  const { apiKey, apiSecret } = value as Record<string, unknown>;
  if (typeof apiKey !== 'string' || apiKey === '' || typeof apiSecret !== 'string' || apiSecret === '') {
    throw new MalformedSecretError(secretRef, 'apiKey and apiSecret must be non-empty strings');
  }
  return { apiKey, apiSecret };
}

/** Checks caller-supplied credentials and copies only the two known fields. */
export function validCredentials(credentials: ConnectionCredentials): ConnectionCredentials {
  const { apiKey, apiSecret } = credentials;
  if (typeof apiKey !== 'string' || apiKey === '')
    throw new Error('credentials: apiKey must be a non-empty string');
  if (typeof apiSecret !== 'string' || apiSecret === '') {
    throw new Error('credentials: apiSecret must be a non-empty string');
  }
  return { apiKey, apiSecret };
}
