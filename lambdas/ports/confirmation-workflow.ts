/** What the confirmation workflow needs to follow one Trendyol batch to its end. */
export interface ConfirmationInput {
  connectionId: string;
  jobId: string;
  batchRequestId: string;
  /** ISO time Trendyol accepted the batch: the 4-hour result expiry counts from here. */
  submittedAt: string;
  /**
   * ISO time the body left for Trendyol (just before its POST): the first look at the batch is timed
   * from here, so the seller's GETs follow its sends at one fixed distance. Absent (executions started
   * before it existed, resumed work) = `submittedAt`.
   */
  sentAt?: string;
}

export interface ConfirmationWorkflow {
  /** Starts following the batch; starting twice for one batch is harmless (the name is the batch id). */
  start(input: ConfirmationInput): Promise<void>;
}
