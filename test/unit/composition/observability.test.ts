import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsSink, noMetrics } from '../../../lambdas/composition/observability';
import { captureStdoutJsonLines } from '../../support/emf';

afterEach(() => vi.restoreAllMocks());

describe('metrics sink', () => {
  it('records nothing outside Lambda (the local stack has no CloudWatch)', () => {
    expect(createMetricsSink({})).toBe(noMetrics);
  });

  it('publishes CloudWatch EMF lines on Lambda, with the namespace and the dimensions given', () => {
    const lines = captureStdoutJsonLines();
    const sink = createMetricsSink({
      AWS_LAMBDA_FUNCTION_NAME: 'eci-dev-api',
      POWERTOOLS_METRICS_NAMESPACE: 'ECI',
      POWERTOOLS_SERVICE_NAME: 'eci',
    });
    sink.count('ItemsPushed', 3);
    sink.milliseconds('TrendyolLatency', 120, { endpoint: 'update' });
    sink.flush();
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const pushed = emf.find((e) => 'ItemsPushed' in e);
    const latency = emf.find((e) => 'TrendyolLatency' in e);
    expect(pushed).toMatchObject({ ItemsPushed: 3, _aws: { CloudWatchMetrics: [{ Namespace: 'ECI' }] } });
    expect(latency).toMatchObject({ TrendyolLatency: 120, endpoint: 'update' });
  });
});
