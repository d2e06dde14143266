/**
 * AWS list prices (us-east-1, on-demand, checked for this bench; see /work/shared/aws-notes.md "Cost
 * anchors"). Each entry names its source page. Only variable, per-request costs are here: Aurora's
 * ACU-hours depend on how long the cluster is awake, not on how many items pass, and are left out of
 * the per-item figure (Aurora Serverless v2 $0.12 per ACU-hour, nothing while paused at 0 ACU).
 */
export const AWS_PRICES_USD = {
  /** SQS FIFO: $0.50 per million requests; every 64 KiB of a payload is one request. https://aws.amazon.com/sqs/pricing/ */
  sqsFifoPerRequest: 0.5 / 1e6,
  /** Lambda: $0.20 per million requests. https://aws.amazon.com/lambda/pricing/ */
  lambdaPerRequest: 0.2 / 1e6,
  /** Lambda arm64: $0.0000133334 per GB-second (first 6 billion GB-s a month). https://aws.amazon.com/lambda/pricing/ */
  lambdaArmPerGbSecond: 0.0000133334,
  /** Step Functions Standard: $0.025 per 1,000 state transitions. https://aws.amazon.com/step-functions/pricing/ */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** DynamoDB on-demand: $0.625 per million write request units (1 KiB each). https://aws.amazon.com/dynamodb/pricing/on-demand/ */
  dynamoDbPerWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand: $0.125 per million read request units (4 KiB strongly consistent). Same page. */
  dynamoDbPerReadUnit: 0.125 / 1e6,
  /** RDS Data API: about $0.35 per million requests (per 32 KiB); unconfirmed. https://aws.amazon.com/rds/aurora/pricing/ */
  dataApiPerRequest: 0.35 / 1e6,
} as const;

/** Memory of every ECI Lambda function (lib/constructs/eci-function.ts default, arm64). */
export const LAMBDA_MEMORY_GB = 512 / 1024;
