import type { RDSDataClient } from '@aws-sdk/client-rds-data';

/**
 * Default resume budget (ms of waiting). API Gateway gives the API 29 s (its integration timeout):
 * 20 s of waits leaves room for the statements themselves, so a still-resuming database answers
 * 503 + Retry-After instead of the gateway's bare 504.
 */
export const RESUME_RETRY_BUDGET_MS = 20_000;
/** The shortest pause between tries: full jitter may draw ~0, and a resuming cluster needs time. */
const MIN_PAUSE_MS = 50;

export interface ResumeRetryOptions {
  /** Total time to keep retrying a paused cluster; a resume takes ~15–30 s. @default RESUME_RETRY_BUDGET_MS */
  maxWaitMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform [0, 1) source for full jitter. @default Math.random */
  random?: () => number;
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
 * True when `error` or one of its causes is Aurora's DatabaseResumingException (Drizzle wraps driver
 * errors, keeping the SDK's exception as `cause`): the API answers 503 with Retry-After for it.
 */
export function causedByDatabaseResuming(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (isDatabaseResuming(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Retries while Aurora resumes from zero capacity, with full-jitter exponential backoff (each pause
 * uniformly random below the exponential ceiling, so functions resumed together do not retry in
 * lockstep). The statement was never run when the cluster answers DatabaseResumingException, so
 * repeating it is safe even for writes. Past `maxWaitMs` of waiting the exception is rethrown.
 */
export async function retryWhileResuming<T>(
  call: () => Promise<T>,
  options: ResumeRetryOptions = {},
): Promise<T> {
  const maxWaitMs = options.maxWaitMs ?? RESUME_RETRY_BUDGET_MS;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  let delay = options.initialDelayMs ?? 500;
  let waited = 0;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isDatabaseResuming(error) || waited >= maxWaitMs) throw error;
      const jittered = Math.max(MIN_PAUSE_MS, Math.floor(random() * Math.min(delay, maxDelayMs)));
      const pause = Math.min(jittered, maxWaitMs - waited);
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
