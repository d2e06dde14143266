import type { AppLogger } from '../composition/logger';
import type { MetricsSink } from '../composition/observability';
import { type PollDeps, type PollInput, type PollOutput, pollBatch } from '../use-cases/poll-batch';

export type PollHandlerDeps = PollDeps & { logger: AppLogger; metrics: MetricsSink };

/** The state machine's PollBatch task: polls once (briefly re-polling) and returns what its Choice reads. */
export function createPollBatchHandler(resolveDeps: () => Promise<PollHandlerDeps>) {
  return async (input: PollInput): Promise<PollOutput> => {
    const deps = await resolveDeps();
    const detail = await pollBatch(deps, input);
    const lagMs = deps.clock.now().getTime() - Date.parse(input.submittedAt);
    if (detail.output.status === 'SETTLED') {
      deps.metrics.milliseconds('ConfirmationLag', lagMs);
      // Freshness (issue 13): accepted (the push, or the catalog change a sync sent) → confirmed, per
      // connection; one metric per connection is what the status route's p50/p95 are the CloudWatch view of.
      if (detail.confirmedUpserted > 0 && detail.job) {
        deps.metrics.milliseconds(
          'Freshness',
          deps.clock.now().getTime() - Date.parse(detail.job.options.acceptedAt ?? detail.job.createdAt),
          {
            connectionId: input.connectionId,
          },
        );
      }
    }
    if (detail.output.status === 'UNCONFIRMED') deps.metrics.count('BatchesUnconfirmed', 1);
    deps.logger.info('batch polled', {
      jobId: input.jobId,
      connectionId: input.connectionId,
      batchRequestId: input.batchRequestId,
      ...detail.output,
      confirmedUpserted: detail.confirmedUpserted,
    });
    return detail.output;
  };
}
