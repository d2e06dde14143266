import type { ChunkQueue } from '../../lambdas/ports/chunk-queue';
import type { ConfirmationWorkflow } from '../../lambdas/ports/confirmation-workflow';
import type { JobRepository } from '../../lambdas/ports/repositories';

export interface ResumeReport {
  requeued: number;
  followed: number;
}

/**
 * The local queue emulator and workflow runner keep nothing on disk, unlike SQS and Step Functions.
 * After a restart, chunks that were queued or being sent are enqueued again (in their original order)
 * and accepted batches without a result are followed again, so stopping `npm start` loses no work.
 * A resent job that Trendyol already took is resolved by the consumer (batch id kept, or the
 * 15-minute refusal path), never sent blindly twice.
 */
export async function resumeUnfinishedWork(container: {
  jobs: JobRepository;
  queue: ChunkQueue;
  workflow: ConfirmationWorkflow;
}): Promise<ResumeReport> {
  const unfinished = await container.jobs.listUnfinished(50_000);
  const toQueue = unfinished.filter((job) => job.status === 'queued' || job.status === 'running');
  await container.queue.send(
    toQueue.map((job) => ({
      jobId: job.id,
      connectionId: job.connectionId,
      groupId: job.connectionId,
      deduplicationId: `${job.bodyHash}-${job.id}-resumed`,
    })),
  );
  let followed = 0;
  for (const job of unfinished) {
    if (job.status !== 'success' || !job.batchRequestId) continue;
    await container.workflow.start({
      connectionId: job.connectionId,
      jobId: job.id,
      batchRequestId: job.batchRequestId,
      submittedAt: job.startedAt ?? job.createdAt,
    });
    followed += 1;
  }
  return { requeued: toQueue.length, followed };
}
