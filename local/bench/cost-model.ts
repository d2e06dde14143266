import { AWS_PRICES_USD, LAMBDA_MEMORY_GB } from './aws-prices';

/** What a run used, counted on the local stack. */
export interface UsageCounts {
  items: number;
  /** SQS requests in 64 KiB units (send, receive, delete). */
  sqsRequests: number;
  lambdaInvocations: number;
  /** Summed invocation durations, ms (Lambda bills per ms). */
  lambdaMs: number;
  stepFunctionsTransitions: number;
  /** Statements + 2 per transaction (Begin/Commit), as the Data API bills calls. */
  dataApiCalls: number;
  dynamoDbWriteUnits: number;
  dynamoDbReadUnits: number;
}

export interface CostBreakdown {
  usdPerMillionItems: number;
  /** USD per million items by service. */
  byService: Record<
    'sqs' | 'lambdaRequests' | 'lambdaCompute' | 'stepFunctions' | 'dataApi' | 'dynamoDb',
    number
  >;
}

/**
 * AWS variable cost per million item updates from counted usage and the price table in
 * aws-prices.ts. Lambda compute is invocations' summed duration × memory; nothing else is assumed.
 * @throws RangeError when `items` is not positive.
 */
export function costPerMillionItems(usage: UsageCounts): CostBreakdown {
  if (!(usage.items > 0)) throw new RangeError('a cost per item needs at least one item');
  const scale = 1e6 / usage.items;
  const p = AWS_PRICES_USD;
  const byService = {
    sqs: usage.sqsRequests * p.sqsFifoPerRequest * scale,
    lambdaRequests: usage.lambdaInvocations * p.lambdaPerRequest * scale,
    lambdaCompute: (usage.lambdaMs / 1000) * LAMBDA_MEMORY_GB * p.lambdaArmPerGbSecond * scale,
    stepFunctions: usage.stepFunctionsTransitions * p.stepFunctionsPerTransition * scale,
    dataApi: usage.dataApiCalls * p.dataApiPerRequest * scale,
    dynamoDb:
      (usage.dynamoDbWriteUnits * p.dynamoDbPerWriteUnit + usage.dynamoDbReadUnits * p.dynamoDbPerReadUnit) *
      scale,
  };
  const usdPerMillionItems = Object.values(byService).reduce((a, b) => a + b, 0);
  return { usdPerMillionItems, byService };
}
