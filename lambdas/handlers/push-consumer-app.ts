import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ChunkMessageBody } from '../ports/chunk-queue';
import { type ConsumeDeps, consumeChunk, failExhaustedJob } from '../use-cases/consume-chunk';

export interface ConsumerLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface ConsumerOptions {
  /** The queue's redrive maxReceiveCount: on the last delivery a failing job ends `failed`. @default 5 */
  maxReceiveCount: number;
  /**
   * Powertools idempotency on the SQS message id (DynamoDB, `id` key, `expiration` TTL): a message
   * delivered twice, even concurrently, runs once; the second delivery gets the stored result. The
   * job's own state (a finished job is only acknowledged) covers redelivery beyond the record's life.
   */
  idempotency?: { tableName: string; client: DynamoDBClient };
}

function parseBody(record: SQSRecord): ChunkMessageBody {
  const body = JSON.parse(record.body) as Partial<ChunkMessageBody>;
  if (typeof body.jobId !== 'string' || typeof body.connectionId !== 'string') {
    throw new Error(`message ${record.messageId} is not a chunk message`);
  }
  return { jobId: body.jobId, connectionId: body.connectionId };
}

/**
 * The SQS FIFO consumer: records of a batch are handled in order. On a failure, that record and every
 * later record of the same message group (= connection) are reported as failures, so a seller's chunks
 * never overtake each other; records of other groups are still handled (Powertools' FIFO processor
 * with `skipGroupOnError`, see aws-notes.md), so one seller's trouble never delays another seller.
 */
export function createPushConsumer(
  resolveDeps: () => Promise<ConsumeDeps>,
  logger: ConsumerLogger,
  options: ConsumerOptions = { maxReceiveCount: 5 },
) {
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'messageId',
    expiresAfterSeconds: 3600,
  });
  const persistenceStore = options.idempotency
    ? new DynamoDBPersistenceLayer({
        tableName: options.idempotency.tableName,
        awsSdkV3Client: options.idempotency.client,
      })
    : undefined;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deps = await resolveDeps();
    const processor = new SqsFifoPartialProcessorAsync();
    const handleRecord = async (record: SQSRecord) => {
      const { jobId, connectionId } = parseBody(record);
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      try {
        const result = await consumeChunk(deps, {
          jobId,
          receiveCount,
          maxReceiveCount: options.maxReceiveCount,
        });
        logger.info('chunk handled', { jobId, connectionId, receiveCount, ...result });
        return result;
      } catch (error) {
        logger.warn('chunk will be retried', {
          jobId,
          connectionId,
          receiveCount,
          error: (error as Error).message,
        });
        throw error;
      }
    };
    idempotencyConfig.registerLambdaContext(context);
    const recordHandler = persistenceStore
      ? makeIdempotent(handleRecord, { persistenceStore, config: idempotencyConfig })
      : handleRecord;
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
      skipGroupOnError: true,
    });
    // FIFO: after a failure the rest of its group is failed unprocessed, yet SQS counts the receive.
    // A record skipped on its last receive goes to the DLQ; its job must say so.
    const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const record of event.Records) {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      if (!failedIds.has(record.messageId) || receiveCount < options.maxReceiveCount) continue;
      const { jobId } = parseBody(record);
      await failExhaustedJob(deps, jobId, receiveCount);
    }
    return response;
  };
}
