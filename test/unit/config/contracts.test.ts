import { describe, expect, it } from 'vitest';
import { CONTRACTS, ConfigurationError, readConfig } from '../../../lambdas/config/contracts';

const pollBatchEnv = {
  ECI_FUNCTION: 'PollBatch',
  DB_CLUSTER_ARN: 'arn:aws:rds:eu-central-1:1:cluster:eci-dev',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:1:secret:db',
  DB_NAME: 'eci',
  CONNECTION_SECRET_PREFIX: 'eci/dev/connections/',
  DEDUP_TABLE_NAME: 't',
};

describe('configuration contracts', () => {
  it('parses a function’s environment into typed values, reading only its declared keys', () => {
    const config = readConfig('PollBatch', { ...pollBatchEnv, SOMETHING_ELSE: 'x' });
    expect(config).toEqual(pollBatchEnv);
    expect(config).not.toHaveProperty('SOMETHING_ELSE');
    const api = readConfig('Api', {
      ...pollBatchEnv,
      ECI_FUNCTION: 'Api',
      DEDUP_TABLE_NAME: 't',
      PUSH_QUEUE_URL: 'q',
      TRENDYOL_WRITE_ENABLED: 'false',
      TRENDYOL_FORCE_WRITE_ALLOWED: 'TRUE',
      ALLOW_CUSTOM_BASE_URL: '0',
      ECI_LOCAL_BASE_URLS: '',
    });
    expect(api.ECI_LOCAL_BASE_URLS).toBeUndefined();
    expect(
      readConfig('Api', {
        ...pollBatchEnv,
        ECI_FUNCTION: 'Api',
        DEDUP_TABLE_NAME: 't',
        PUSH_QUEUE_URL: 'q',
        TRENDYOL_WRITE_ENABLED: 'false',
        TRENDYOL_FORCE_WRITE_ALLOWED: 'TRUE',
        ALLOW_CUSTOM_BASE_URL: '1',
        ECI_LOCAL_BASE_URLS: ' http://127.0.0.1:4010 ,http://127.0.0.1:4011',
      }).ECI_LOCAL_BASE_URLS,
    ).toEqual(['http://127.0.0.1:4010', 'http://127.0.0.1:4011']);
    expect(api.TRENDYOL_WRITE_ENABLED).toBe(false);
    expect(api.TRENDYOL_FORCE_WRITE_ALLOWED).toBe(true);
    expect(api.ALLOW_CUSTOM_BASE_URL).toBe(false);
  });

  it('fails fast naming the function and every missing or malformed variable', () => {
    const error = (() => {
      try {
        readConfig('PushConsumer', {
          ...pollBatchEnv,
          DEDUP_TABLE_NAME: undefined,
          ECI_FUNCTION: 'PushConsumer',
          TRENDYOL_WRITE_ENABLED: 'maybe',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toMatch(/^PushConsumer: invalid configuration: /);
    for (const missing of ['DEDUP_TABLE_NAME', 'IDEMPOTENCY_TABLE_NAME', 'CONFIRMATION_STATE_MACHINE_ARN'])
      expect(message).toContain(`${missing} is not set`);
    expect(message).toContain('TRENDYOL_WRITE_ENABLED must be true or false');
  });

  it('refuses another function’s environment (ECI_FUNCTION names the contract)', () => {
    expect(() => readConfig('Migrate', pollBatchEnv)).toThrow(
      'Migrate: invalid configuration: ECI_FUNCTION must be Migrate',
    );
  });

  it('the poller’s contract names no queue, and the short-lived table for its read budgets', () => {
    expect(CONTRACTS.PollBatch.variables).not.toContain('PUSH_QUEUE_URL');
    expect(CONTRACTS.PollBatch.variables).toContain('DEDUP_TABLE_NAME');
  });
});
