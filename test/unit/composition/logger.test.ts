import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../../lambdas/composition/logger';
import { createFileLogger } from '../../../local/runtime/file-logger';

describe('log redaction', () => {
  it('never lets credentials through, however deep they sit', () => {
    expect(
      redact({
        jobId: 'c1',
        apiKey: 'k',
        nested: { apiSecret: 's', headers: { Authorization: 'Basic abc', 'x-api-key': 'key' } },
        list: [{ password: 'p', barcode: 'B1' }],
      }),
    ).toEqual({
      jobId: 'c1',
      apiKey: '[redacted]',
      nested: {
        apiSecret: '[redacted]',
        headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' },
      },
      list: [{ password: '[redacted]', barcode: 'B1' }],
    });
  });

  it('writes JSON lines with the correlation ids to the local log file, secrets redacted', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'eci-log-')), 'eci.log');
    const logger = createFileLogger(file);
    logger.info('chunk handled', { jobId: 'c1', connectionId: 'k1', batchRequestId: 'b1', apiSecret: 'top' });
    const [line] = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'INFO',
      message: 'chunk handled',
      jobId: 'c1',
      connectionId: 'k1',
      batchRequestId: 'b1',
      apiSecret: '[redacted]',
    });
    expect(line).not.toContain('top');
  });
});
