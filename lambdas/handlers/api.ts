import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { composeApi } from '../composition/functions';
import { lambdaDeps, lambdaEntry, lambdaServiceName } from '../composition/lambda-entry';
import { createLogger } from '../composition/logger';
import { createApiHandler } from './api-app';

const deps = lambdaDeps(composeApi);
const api = createApiHandler(deps, createLogger(lambdaServiceName()));

/** API Gateway → this function: thin, everything else lives in use cases. */
export const handler = lambdaEntry(deps, (event: APIGatewayProxyEvent, context: Context) =>
  api(event, context),
);
