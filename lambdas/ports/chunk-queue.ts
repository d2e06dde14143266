/** A chunk message: the job row holds the body, the message only points at it. */
export interface ChunkMessage {
  jobId: string;
  connectionId: string;
  /** SQS FIFO MessageGroupId: one group per connection keeps a seller's chunks in order. */
  groupId: string;
  /** SQS FIFO MessageDeduplicationId (≤ 128 chars): the body hash for ordinary sends. */
  deduplicationId: string;
}

export interface ChunkQueue {
  /** Sends all messages (batched), in order. Throws if any message could not be enqueued. */
  send(messages: ChunkMessage[]): Promise<void>;
}

/** The JSON body of a chunk message on the queue. */
export interface ChunkMessageBody {
  jobId: string;
  connectionId: string;
}
