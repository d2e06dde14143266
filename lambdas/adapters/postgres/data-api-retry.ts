import type { RDSDataClient } from '@aws-sdk/client-rds-data';

export interface ResumeRetryOptions {
  /** Total time to keep retrying a paused cluster; a resume takes ~15–30 s. */
  maxWaitMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Told about every resume wait. The default writes one JSON line naming DatabaseResumingException,
   * which the stack's metric filter counts for the "database resuming" alarm.
   */
  onResuming?: (info: { waitedMs: number; pauseMs: number }) => void;
}

const logResuming = (info: { waitedMs: number; pauseMs: number }) =>
  console.warn(
    JSON.stringify({
      level: 'WARN',
      message: 'DatabaseResumingException: Aurora is resuming, retrying',
      ...info,
    }),
  );

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isDatabaseResuming(error: unknown): boolean {
  return error instanceof Error && error.name === 'DatabaseResumingException';
}

/**
 * Retries while Aurora resumes from zero capacity. The statement was never run when the cluster
 * answers DatabaseResumingException, so repeating it is safe even for writes.
 */
export async function retryWhileResuming<T>(
  call: () => Promise<T>,
  options: ResumeRetryOptions = {},
): Promise<T> {
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const sleep = options.sleep ?? defaultSleep;
  let delay = options.initialDelayMs ?? 500;
  let waited = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isDatabaseResuming(error) || waited >= maxWaitMs) throw error;
      const pause = Math.min(delay, maxDelayMs, maxWaitMs - waited);
      (options.onResuming ?? logResuming)({ waitedMs: waited, pauseMs: pause });
      await sleep(pause);
      waited += pause;
      delay *= 2;
    }
  }
}

/**
 * Wraps `send` on the client instance rather than adding a middleware, so the retry also runs when
 * tests replace the transport with aws-sdk-client-mock (which stubs `send`). Drizzle needs a real
 * RDSDataClient instance, hence patching instead of a proxy object.
 */
export function withResumeRetry(client: RDSDataClient, options: ResumeRetryOptions = {}): RDSDataClient {
  const send = client.send as (this: RDSDataClient, ...args: unknown[]) => Promise<unknown>;
  const retrying = (...args: unknown[]) => retryWhileResuming(() => send.apply(client, args), options);
  Object.defineProperty(client, 'send', { value: retrying, configurable: true, writable: true });
  return client;
}
