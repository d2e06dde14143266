import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { onceSucceeded } from './lazy';
import type { MetricsSink } from './observability';
import { awsPlatform, type Platform } from './platform';

// The one module of lambdas/ that reads `process.env` (biome's noProcessEnv allows only this file):
// it hands the whole environment to a function's composition, which reads it through the function's
// contract (readConfig), so every variable a function reads is a declared one.

/**
 * A Lambda function's dependencies: its own composition (e.g. `composePollBatch`, imported by name so
 * the bundle holds only that function's adapters) over the AWS platform, from `process.env` parsed
 * against its contract. Building starts at cold start (init), so a misconfigured function fails its
 * first invocation with a message naming itself and the variable; a failure is not cached.
 */
export function lambdaDeps<D>(
  compose: (env: Readonly<Record<string, string | undefined>>, platform: Platform) => D,
  platform: Platform = awsPlatform(process.env),
): () => Promise<D> {
  const resolve = onceSucceeded(() => compose(process.env, platform));
  // Started now, awaited by the first invocation; the error (if any) is reported there.
  resolve().catch(() => undefined);
  return resolve;
}

/**
 * Builds a function's dependencies now, once per call (the Migrate trigger opens and closes its own
 * database per run), from `process.env` parsed against the function's contract by `compose`.
 */
export function composeNow<D>(
  compose: (env: Readonly<Record<string, string | undefined>>, platform: Platform) => D,
  platform: Platform = awsPlatform(process.env),
): D {
  return compose(process.env, platform);
}

/**
 * The function's Powertools service name (`POWERTOOLS_SERVICE_NAME`, declared by every contract;
 * the construct sets `eci`), for the logger and the tracer.
 */
export function lambdaServiceName(): string {
  return process.env.POWERTOOLS_SERVICE_NAME ?? 'eci';
}

const tracer = new Tracer({ serviceName: lambdaServiceName() });

/**
 * Wraps a Lambda entry point with what every function needs on AWS: an X-Ray segment per invocation
 * (Powertools tracer) and the invocation's metrics flushed as EMF at the end, even on failure.
 */
export function lambdaEntry<E, R>(
  resolveDeps: () => Promise<{ metrics: MetricsSink }>,
  run: (event: E, context: Context) => Promise<R>,
) {
  const flush = async () => {
    // Nothing was recorded when the composition itself failed; its error is the invocation's error.
    const deps = await resolveDeps().catch(() => undefined);
    deps?.metrics.flush();
  };
  return middy<E, R>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use({ after: flush, onError: flush })
    .handler(run);
}
