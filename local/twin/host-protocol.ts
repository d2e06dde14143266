/** Parent → host: run the handler once. */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: unknown;
  /** Epoch ms the invocation must end by (the function's Timeout), for getRemainingTimeInMillis. */
  deadline: number;
  requestId: string;
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
