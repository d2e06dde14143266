import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { causedByDatabaseResuming } from '../../adapters/postgres/data-api-retry';
import { ValidationError } from '../../domain/validation-error';
import { AppError } from '../../use-cases/errors';
import { errorResponse } from './responses';

export interface ErrorLogger {
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * The one place errors become HTTP answers: expected errors keep their status and details, anything
 * else is a 500 whose cause is logged but never returned (it may name internals).
 */
export function errorMapper(logger: ErrorLogger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof ValidationError) {
        request.response = errorResponse(400, 'VALIDATION_FAILED', error.message, error.details);
      } else if (error instanceof AppError) {
        request.response = errorResponse(error.httpStatus, error.code, error.message, error.details);
      } else if (causedByDatabaseResuming(error)) {
        // Aurora is still resuming after the retry budget: nothing was enqueued; the caller retries.
        const response = errorResponse(
          503,
          'DATABASE_RESUMING',
          'The database is resuming from idle; nothing was changed. Retry after the given seconds.',
        );
        request.response = { ...response, headers: { ...response.headers, 'retry-after': '15' } };
      } else {
        logger.error('unhandled error', { error: error instanceof Error ? error.stack : String(error) });
        request.response = errorResponse(
          500,
          'INTERNAL_ERROR',
          'Something went wrong on our side; it was logged.',
        );
      }
    },
  };
}
