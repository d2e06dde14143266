import { describe, expect, it } from 'vitest';
import {
  RESUME_RETRY_BUDGET_MS,
  retryWhileResuming,
} from '../../../lambdas/adapters/postgres/data-api-retry';
import { errorMapper } from '../../../lambdas/handlers/http/error-mapper';

function resumingError() {
  const cause = new Error('The database is resuming');
  cause.name = 'DatabaseResumingException';
  // Drizzle wraps driver errors and keeps the SDK's exception as the cause.
  return new Error('Failed query: select ...', { cause });
}

/** API Gateway's integration timeout for the API function. */
const API_GATEWAY_TIMEOUT_MS = 29_000;

describe('a database still resuming', () => {
  it('the retry budget fits inside the API timeout, with jittered pauses', async () => {
    const pauses: number[] = [];
    let calls = 0;
    await expect(
      retryWhileResuming(
        async () => {
          calls += 1;
          throw resumingError().cause;
        },
        { sleep: async (ms) => void pauses.push(ms), random: () => 0.999, onResuming: () => undefined },
      ),
    ).rejects.toMatchObject({ name: 'DatabaseResumingException' });
    const waited = pauses.reduce((a, b) => a + b, 0);
    expect(waited).toBe(RESUME_RETRY_BUDGET_MS);
    expect(waited).toBeLessThan(API_GATEWAY_TIMEOUT_MS - 5_000);
    expect(calls).toBe(pauses.length + 1);
  });

  it('answers 503 with Retry-After, not a 500', async () => {
    const logged: string[] = [];
    const mapper = errorMapper({ error: (m) => void logged.push(m) });
    const request = { error: resumingError(), response: undefined } as unknown as Parameters<
      NonNullable<typeof mapper.onError>
    >[0];
    await mapper.onError?.(request);
    const response = request.response as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('15');
    expect(JSON.parse(response.body).error.code).toBe('DATABASE_RESUMING');
    expect(logged).toEqual([]);
  });
});
