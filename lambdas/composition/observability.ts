import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Named measurements; Lambda publishes them as CloudWatch EMF, the local stack drops them. */
export interface MetricsSink {
  count(name: string, value: number, dimensions?: Record<string, string>): void;
  milliseconds(name: string, value: number, dimensions?: Record<string, string>): void;
  /** Writes what was recorded (EMF on Lambda); call once at the end of an invocation. */
  flush(): void;
}

export const noMetrics: MetricsSink = {
  count: () => undefined,
  milliseconds: () => undefined,
  flush: () => undefined,
};

/** True inside a Lambda execution environment (where EMF lines become metrics). */
export function runningOnLambda(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
}

export function createMetricsSink(env: Readonly<Record<string, string | undefined>>): MetricsSink {
  if (!runningOnLambda(env)) return noMetrics;
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'ECI',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'eci',
  });
  // Dimensions are kept to the stage and a few low-cardinality labels: per-seller metrics would cost a
  // metric per seller; seller detail lives in the logs (connectionId, jobId, batchRequestId).
  const put = (
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
    dimensions?: Record<string, string>,
  ) => {
    if (dimensions && Object.keys(dimensions).length > 0) {
      const single = metrics.singleMetric();
      for (const [key, v] of Object.entries(dimensions)) single.addDimension(key, v);
      single.addMetric(name, unit, value);
      return;
    }
    metrics.addMetric(name, unit, value);
  };
  return {
    count: (name, value, dimensions) => put(name, MetricUnit.Count, value, dimensions),
    milliseconds: (name, value, dimensions) => put(name, MetricUnit.Milliseconds, value, dimensions),
    flush: () => metrics.publishStoredMetrics(),
  };
}
