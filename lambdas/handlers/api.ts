import { getContainer } from '../composition/container';
import { createLogger } from '../composition/logger';
import { createApiHandler } from './api-app';

/** API Gateway → this function: thin, everything else lives in use cases. */
export const handler = createApiHandler(getContainer, createLogger(process.env));
