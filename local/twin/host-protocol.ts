/** Parent → host: run the handler once. */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: unknown;
  /** Epoch ms the invocation must end by (the function's Timeout), for getRemainingTimeInMillis. */
  deadline: number;
  requestId: string;
}

/**
 * Parent → host: load the bundle (the init phase: module code, the handler export) without invoking
 * it, so the twin's start fails for a bundle that cannot load. Answered like an invocation (null result).
 */
export interface LoadMessage {
  type: 'load';
  id: number;
}

/** The error shape Lambda reports for a failed invocation (errorType, errorMessage, stack lines). */
export interface InvocationError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** Host → parent: the handler's result or error. */
export type HostReply =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: InvocationError };
