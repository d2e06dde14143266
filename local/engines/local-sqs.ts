import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';
import { closeServer, serverEndpoint } from './close-server';

export const PUSH_QUEUE_NAME = 'eci-push.fifo';
export const PUSH_DLQ_NAME = 'eci-push-dlq.fifo';
/** local-aws-sqs builds queue URLs and ARNs from this (cosmetic) account id. */
export const LOCAL_SQS_ACCOUNT_ID = '123456789012';

export interface LocalSqs {
  endpoint: string;
  queueUrl: string;
  dlqUrl: string;
  close(): Promise<void>;
}

export interface LocalSqsOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Seconds a received message stays hidden; the stack sets ≥ 6 × the consumer's timeout. */
  visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the DLQ, as in the stack's RedrivePolicy. */
  maxReceiveCount?: number;
}

/**
 * Starts local-aws-sqs with the push queue and its DLQ, shaped like the stack's: both FIFO, explicit
 * dedup ids (no content-based dedup), redrive after `maxReceiveCount` receives.
 *
 * Emulator gap: local-aws-sqs drops a repeated dedup id only while the first message is still held
 * (queued or in flight); once it is deleted the id is forgotten. AWS remembers it for 5 minutes, so a
 * revert (A → B → A) that reuses A's id is lost on AWS but would get through locally: revert routing
 * must not rely on local runs to show that loss.
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const region = 'us-east-1';
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region,
    accountId: LOCAL_SQS_ACCOUNT_ID,
    // The queues array is created in order: the DLQ must exist before the redrive policy names it.
    queues: [
      { QueueName: PUSH_DLQ_NAME, Attributes: { FifoQueue: 'true' } },
      {
        QueueName: PUSH_QUEUE_NAME,
        Attributes: {
          FifoQueue: 'true',
          // AWS's default; local-aws-sqs would otherwise dedup per message group.
          DeduplicationScope: 'queue',
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
          RedrivePolicy: JSON.stringify({
            maxReceiveCount: options.maxReceiveCount ?? 5,
            deadLetterTargetArn: `arn:aws:sqs:${region}:${LOCAL_SQS_ACCOUNT_ID}:${PUSH_DLQ_NAME}`,
          }),
        },
      },
    ],
  });
  const endpoint = serverEndpoint(server);
  return {
    endpoint,
    queueUrl: `${endpoint}/${LOCAL_SQS_ACCOUNT_ID}/${PUSH_QUEUE_NAME}`,
    dlqUrl: `${endpoint}/${LOCAL_SQS_ACCOUNT_ID}/${PUSH_DLQ_NAME}`,
    close: () => closeServer(server),
  };
}
