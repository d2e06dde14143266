import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
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
