import type { Job, JobRepository } from '../ports/repositories';
import { notFound } from './errors';

/**
 * The seed's job fields (plus notBefore for jobs waiting out Trendyol's 15-minute window). `status`
 * keeps the seed's meaning (Trendyol accepted the chunk); `confirmation` says what became of the
 * values (pending | confirmed | partial | failed | unconfirmed, null when nothing is sent) with
 * `confirmationCounts` {confirmed, failed, unresolved} and `settledAt` once settled.
 */
export function toJobView(job: Job) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    attempts: job.attempts,
    connectionId: job.connectionId,
    chunkIndex: job.chunkIndex,
    itemCount: job.itemCount,
    bodyHash: job.bodyHash,
    batchRequestId: job.batchRequestId,
    summary: job.summary,
    error: job.error,
    notBefore: job.notBefore,
    confirmation: job.confirmation,
    confirmationCounts: job.confirmationCounts,
    settledAt: job.settledAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    createdAt: job.createdAt,
  };
}

export async function getJob(deps: { jobs: JobRepository }, id: string) {
  const job = await deps.jobs.get(id);
  if (!job) throw notFound('JOB_NOT_FOUND', `Job ${id} does not exist.`);
  return toJobView(job);
}
