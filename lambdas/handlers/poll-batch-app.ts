import type { AppLogger } from '../composition/logger';
import type { MetricsSink } from '../composition/observability';
import { FIRST_INVOCATION_POLLING, POLL_SIGNALS, pendingSignal, pollNumberAt } from '../domain/poll-retry';
import { type PollDeps, type PollInput, type PollOutput, pollBatch } from '../use-cases/poll-batch';

export type PollHandlerDeps = PollDeps & { logger: AppLogger; metrics: MetricsSink };

/**
 * What an invocation keeps back from its remaining time when it sets the deadline of its reads (ms):
 * one read already started may take the Trendyol client's read timeout (15 s), and the writes after
 * it (apply, settlement, connection state) a few seconds more.
 */
export const POLL_INVOCATION_RESERVE_MS = 20_000;

/** The part of the Lambda context the poll handler reads (absent when a harness calls it directly). */
export interface PollInvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * How the poll function steers the state machine when the batch is not settled: an error whose
 * `name` is the Lambda `errorType` Step Functions matches (`BatchPending`, `BatchPendingNearDeadline`
 * retried by the task's `Retry`, `BatchUnconfirmed` caught into the Fail state). See
 * lambdas/domain/poll-retry.ts for why polling is a retry.
 */
export class PollSignal extends Error {
  constructor(
    readonly signal: string,
    message: string,
  ) {
    super(message);
    this.name = signal;
  }
}

/**
 * The state machine's PollBatch task: polls (briefly re-polling) and returns `{ status: 'SETTLED', … }`,
 * which ends the execution. Otherwise it throws a `PollSignal`: pending (retried on the schedule of
 * `POLL_RETRIERS`) or unconfirmed (the deadline passed; the outcome is recorded before it throws).
 * @throws PollSignal, or the use case's error (not found, database, Trendyol) which fails the execution.
 */
export function createPollBatchHandler(resolveDeps: () => Promise<PollHandlerDeps>) {
  return async (input: PollInput, context?: PollInvocationContext): Promise<PollOutput> => {
    const deps = await resolveDeps();
    // One deadline for all of this invocation's reads, so it ends before its timeout.
    const deadline =
      context === undefined
        ? {}
        : {
            deadlineMs:
              deps.clock.now().getTime() + context.getRemainingTimeInMillis() - POLL_INVOCATION_RESERVE_MS,
          };
    const submittedAt = new Date(input.submittedAt);
    // A retried task gets the same input each time: the poll number comes from the schedule.
    const attempt = input.poll?.attempt ?? pollNumberAt(submittedAt, deps.clock.now()) - 1;
    // Only the first invocation short-polls (most batches settle within seconds); a retry looks once,
    // since sleeping inside the function is billed and the retry schedule already spaces the polls.
    const detail = await pollBatch(
      deps,
      { ...input, poll: { attempt } },
      attempt > 0 ? { shortPollMs: 0, ...deadline } : { ...FIRST_INVOCATION_POLLING, ...deadline },
    );
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
    // Counted so the poll function's Errors alarm can leave these out (POLL_SIGNALS_METRIC in lib/).
    if (detail.output.status !== 'SETTLED') deps.metrics.count('PollSignals', 1);
    if (detail.output.status === 'PENDING') {
      throw new PollSignal(
        pendingSignal(submittedAt, deps.clock.now()),
        `Batch ${input.batchRequestId} is not settled yet (poll ${detail.output.attempt}).`,
      );
    }
    if (detail.output.status === 'UNCONFIRMED') {
      throw new PollSignal(
        POLL_SIGNALS.unconfirmed,
        `Batch ${input.batchRequestId} did not settle before the polling deadline; recorded UNCONFIRMED.`,
      );
    }
    return detail.output;
  };
}
