import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { getContainer } from './container';

const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eci' });

/**
 * Wraps a Lambda entry point with what every function needs on AWS: an X-Ray segment per invocation
 * (Powertools tracer) and the invocation's metrics flushed as EMF at the end, even on failure.
 */
export function lambdaEntry<E, R>(run: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use({
      after: async () => (await getContainer()).metrics.flush(),
      onError: async () => (await getContainer()).metrics.flush(),
    })
    .handler(run);
}
