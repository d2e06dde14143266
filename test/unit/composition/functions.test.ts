import { describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../lambdas/adapters/postgres/database';
import { DynamoDbRateLimiter } from '../../../lambdas/adapters/rate-limit/dynamodb-rate-limiter';
import { COMPOSERS } from '../../../lambdas/composition/functions';
import { noMetrics } from '../../../lambdas/composition/observability';
import type { Platform } from '../../../lambdas/composition/platform';
import { CONTRACTS, FUNCTION_NAMES, type FunctionName } from '../../../lambdas/config/contracts';
import { systemClock } from '../../../lambdas/ports/clock';

/** A platform that records which engines a composition asks for (and builds nothing real). */
function recordingPlatform() {
  const asked = new Set<string>();
  const ask = <T>(what: string, value: T): T => {
    asked.add(what);
    return value;
  };
  const database = { kind: 'data-api', db: {}, migrate: async () => {}, close: async () => {} };
  const platform: Platform = {
    database: () => ask('database', database as unknown as DatabaseHandle),
    secretStore: () =>
      ask('secrets', {
        put: async () => '',
        get: async () => ({ apiKey: '', apiSecret: '' }),
        delete: async () => {},
      }),
    workflow: () => ask('workflow', { start: async () => {} }),
    logger: () => ({ info: () => {}, warn: () => {}, error: () => {} }),
    metrics: () => noMetrics,
    clients: {
      dynamodb: () => ask('dynamodb', {} as never),
      sqs: () => ask('sqs', {} as never),
    },
    clock: systemClock,
    sleep: async () => {},
    ids: { next: () => 'id' },
  };
  return { platform, asked };
}

/** A valid environment for the function: every declared variable with a plausible value. */
function envFor(name: FunctionName): Record<string, string> {
  return Object.fromEntries(
    CONTRACTS[name].variables.map((v) => [
      v,
      v === 'ECI_FUNCTION' ? name : /ENABLED|ALLOWED|ALLOW_/.test(v) ? 'true' : `value-of-${v}`,
    ]),
  );
}

describe('each function’s composition builds only what its contract names', () => {
  it.each(FUNCTION_NAMES)('%s', (name) => {
    const { platform, asked } = recordingPlatform();
    COMPOSERS[name](envFor(name), platform);
    const has = (v: string) => CONTRACTS[name].variables.includes(v);
    expect(asked.has('database'), `${name} database`).toBe(has('DB_CLUSTER_ARN'));
    expect(asked.has('sqs'), `${name} queue producer`).toBe(has('PUSH_QUEUE_URL'));
    expect(asked.has('dynamodb'), `${name} DynamoDB`).toBe(
      has('DEDUP_TABLE_NAME') || has('IDEMPOTENCY_TABLE_NAME'),
    );
    expect(asked.has('secrets'), `${name} secret store`).toBe(has('CONNECTION_SECRET_PREFIX'));
    expect(asked.has('workflow'), `${name} workflow`).toBe(has('CONFIRMATION_STATE_MACHINE_ARN'));
  });

  it('the poller builds no queue producer; DynamoDB for its read budget and its corrections’ dedup look-up', () => {
    const { platform, asked } = recordingPlatform();
    const deps = COMPOSERS.PollBatch(envFor('PollBatch'), platform);
    expect(deps).not.toHaveProperty('queue');
    expect(deps).toHaveProperty('rateLimiter');
    // Without them a correction waits a full window and gets random ids (review finding 12b).
    expect(deps).toHaveProperty('dedup');
    expect(deps.ids).toBe(platform.ids);
    expect([...asked].sort()).toEqual(['database', 'dynamodb', 'secrets']);
  });

  it('the release takes its read-backs from the seller’s read budget (a limiter and a way to wait)', () => {
    const { platform } = recordingPlatform();
    const deps = COMPOSERS.ReleaseScheduled(envFor('ReleaseScheduled'), platform);
    expect(deps.rateLimiter).toBeInstanceOf(DynamoDbRateLimiter);
    expect(deps.sleep).toBe(platform.sleep);
  });

  it('refuses to build a function from an incomplete environment, naming function and variable', () => {
    const { platform } = recordingPlatform();
    const env = envFor('ReleaseScheduled');
    delete env.PUSH_QUEUE_URL;
    expect(() => COMPOSERS.ReleaseScheduled(env, platform)).toThrow(
      'ReleaseScheduled: invalid configuration: PUSH_QUEUE_URL is not set',
    );
  });
});
