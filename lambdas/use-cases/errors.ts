import type { ValidationIssue } from '../domain/validation-error';

/**
 * An expected failure a caller can act on. Handlers map it to `{ok:false,error:{code,message,details}}`
 * with `httpStatus`; anything else is a fault (5xx) whose details are logged, not returned.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

export const notFound = (code: string, message: string) => new AppError(404, code, message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const unavailable = (code: string, message: string) => new AppError(503, code, message);
