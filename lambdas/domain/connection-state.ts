import type { ConfirmationCounts, JobConfirmation } from './job-confirmation';

/** The connection's last status as sellers read it (GET /v1/connections/:id/status). */
export type ConnectionLastStatus = 'IDLE' | 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'ERROR';

/** What a settled batch changes on its connection's state. */
export interface SettlementStatePatch {
  lastStatus: ConnectionLastStatus;
  lastError: string | null;
  lastSuccessAt?: string;
}

/**
 * The connection state a job's settled confirmation leaves behind. Partial failures show as
 * `PARTIAL` (not `SUCCESS`), with the first failure as `lastError`; an unconfirmed job is `FAILED`
 * (the values are not known to be live). Applied once, when the settlement is recorded.
 */
export function stateAfterSettlement(input: {
  confirmation: Exclude<JobConfirmation, 'pending'>;
  counts: ConfirmationCounts;
  batchRequestId: string;
  firstFailure?: { barcode: string; failureReasons: readonly string[] };
  now: Date;
}): SettlementStatePatch {
  const { confirmation, counts, batchRequestId, firstFailure, now } = input;
  const failureText = firstFailure
    ? `${counts.failed} item(s) failed in batch ${batchRequestId}, e.g. ${firstFailure.barcode}: ${firstFailure.failureReasons.join('; ')}`
    : null;
  const unresolvedText =
    counts.unresolved > 0
      ? `${counts.unresolved} item(s) of batch ${batchRequestId} could not be confirmed; they will be sent again.`
      : null;
  const lastError = [failureText, unresolvedText].filter(Boolean).join(' ') || null;
  switch (confirmation) {
    case 'confirmed':
      return { lastStatus: 'SUCCESS', lastError: null, lastSuccessAt: now.toISOString() };
    case 'partial':
      return { lastStatus: 'PARTIAL', lastError, lastSuccessAt: now.toISOString() };
    case 'failed':
    case 'unconfirmed':
      return { lastStatus: 'FAILED', lastError };
    default: {
      const never: never = confirmation;
      throw new Error(`unknown confirmation ${String(never)}`);
    }
  }
}
