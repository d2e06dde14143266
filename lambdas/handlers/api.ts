import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import { createLogger } from '../composition/logger';
import { createApiHandler } from './api-app';

const api = createApiHandler(getContainer, createLogger(process.env));

/** API Gateway → this function: thin, everything else lives in use cases. */
export const handler = lambdaEntry((event: APIGatewayProxyEvent, context: Context) => api(event, context));
