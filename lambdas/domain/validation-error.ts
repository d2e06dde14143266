/** One rule broken by the input, located by a dotted path such as `items.3.quantity`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Bad input, reported all at once so a caller can fix every problem in one round trip.
 * Handlers map it to 400 `VALIDATION_FAILED`.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly details: ValidationIssue[],
  ) {
    super(message);
  }
}
