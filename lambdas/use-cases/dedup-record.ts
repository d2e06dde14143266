import { ValidationError } from '../domain/validation-error';
import type { Clock } from '../ports/clock';
import type { DedupStore } from '../ports/dedup-store';
import type { ConnectionRepository } from '../ports/repositories';
import { requireConnection } from './connections';
import { notFound } from './errors';

/** GET /v1/inventory/dedup: the live 15-minute record of a body, for operators and the proof pack. */
export async function getDedupRecord(
  deps: { connections: ConnectionRepository; dedup: DedupStore; clock: Clock },
  query: { connectionId?: string; bodyHash?: string },
) {
  const issues = [
    ...(query.connectionId ? [] : [{ path: 'connectionId', message: 'is required' }]),
    ...(query.bodyHash && /^[0-9a-f]{64}$/.test(query.bodyHash)
      ? []
      : [{ path: 'bodyHash', message: 'must be a SHA-256 hex digest' }]),
  ];
  if (issues.length > 0) throw new ValidationError('The dedup query is invalid.', issues);
  const connection = await requireConnection(deps, query.connectionId ?? '');
  const now = deps.clock.now();
  const record = await deps.dedup.find(connection.id, query.bodyHash ?? '', now);
  if (!record) throw notFound('DEDUP_RECORD_NOT_FOUND', 'No live dedup record for this body.');
  return {
    connectionId: record.connectionId,
    bodyHash: record.bodyHash,
    jobId: record.jobId,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    ttlSeconds: Math.max(0, Math.round((record.expiresAt.getTime() - now.getTime()) / 1000)),
  };
}
