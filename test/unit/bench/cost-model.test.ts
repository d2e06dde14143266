import { describe, expect, it } from 'vitest';
import { costPerMillionItems } from '../../../local/bench/cost-model';

const none = {
  sqsRequests: 0,
  lambdaInvocations: 0,
  lambdaMs: 0,
  stepFunctionsTransitions: 0,
  dataApiCalls: 0,
  dynamoDbWriteUnits: 0,
  dynamoDbReadUnits: 0,
};

describe('costPerMillionItems', () => {
  it('prices 4 Step Functions transitions per 1,000-item chunk at $0.10 per million items', () => {
    const cost = costPerMillionItems({ ...none, items: 1_000, stepFunctionsTransitions: 4 });
    expect(cost.byService.stepFunctions).toBeCloseTo(0.1, 10);
    expect(cost.usdPerMillionItems).toBeCloseTo(0.1, 10);
  });

  it('bills Lambda compute as duration × 512 MB at the arm64 GB-second price', () => {
    // 1,000 s at 0.5 GB = 500 GB-s for a million items.
    const cost = costPerMillionItems({
      ...none,
      items: 1_000_000,
      lambdaMs: 1_000_000,
      lambdaInvocations: 1_000,
    });
    expect(cost.byService.lambdaCompute).toBeCloseTo(500 * 0.0000133334, 10);
    expect(cost.byService.lambdaRequests).toBeCloseTo(0.0002, 10);
  });

  it('scales every service by items and refuses a run without items', () => {
    const usage = {
      ...none,
      items: 2_000_000,
      sqsRequests: 2_000_000,
      dataApiCalls: 2_000_000,
      dynamoDbWriteUnits: 2_000_000,
    };
    const cost = costPerMillionItems(usage);
    expect(cost.byService.sqs).toBeCloseTo(0.5, 10);
    expect(cost.byService.dataApi).toBeCloseTo(0.35, 10);
    expect(cost.byService.dynamoDb).toBeCloseTo(0.625, 10);
    expect(() => costPerMillionItems({ ...none, items: 0 })).toThrow(RangeError);
  });
});
