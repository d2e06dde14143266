import { afterEach, describe, expect, it } from 'vitest';
import { startHttpGateway } from '../../../local/runtime/http-gateway';

// The gateway stand-in shared by `npm start` and the twin, over a real socket: a handler that throws
// must not hand its exception text (which can name paths, SQL or ARNs) to the caller.
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('the local HTTP gateway when its handler throws', () => {
  it('answers a generic 502 body and logs the error instead of sending it', async () => {
    const logged: unknown[] = [];
    const gateway = await startHttpGateway({
      port: 0,
      handler: async () => {
        throw new URIError('URI malformed at /secret/path arn:aws:secretsmanager:x');
      },
      onError: (error) => logged.push(error),
    });
    close = gateway.close;
    const response = await fetch(`${gateway.url}/v1/jobs/x`);
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(text).not.toMatch(/URI|secret|arn:/);
    expect(JSON.parse(text)).toEqual({
      ok: false,
      error: { code: 'BAD_GATEWAY', message: expect.any(String), details: [] },
    });
    expect(String(logged[0])).toMatch(/URI malformed/);
  });
});
