import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/domain/validation-error';
import type { Connection, ConnectionRepository, NewConnection } from '../../../lambdas/ports/repositories';
import {
  type ConnectionDeps,
  createConnection,
  TRENDYOL_PROD_BASE_URL,
  TRENDYOL_STAGE_BASE_URL,
} from '../../../lambdas/use-cases/connections';
import { LocalSecretStore } from '../../../local/engines/local-secret-store';

/** Just enough of a connection store to see what the use case writes. */
function memoryConnections(): ConnectionRepository & { rows: Connection[] } {
  const rows: Connection[] = [];
  const unused = async () => {
    throw new Error('not used here');
  };
  return {
    rows,
    create: async (c: NewConnection, now: Date) => {
      const row = { ...c, createdAt: now.toISOString(), updatedAt: now.toISOString() };
      rows.push(row);
      return row;
    },
    list: async () => rows,
    get: async (id) => rows.find((r) => r.id === id),
    update: unused,
    getState: unused,
    updateState: unused,
  };
}

function deps(allowCustomBaseUrl: boolean) {
  const connections = memoryConnections();
  const secrets = new LocalSecretStore();
  let n = 0;
  const nextId = () => {
    n += 1;
    return `cconn${n}`;
  };
  const d: ConnectionDeps = {
    connections,
    jobs: {} as ConnectionDeps['jobs'],
    secrets,
    clock: { now: () => new Date('2026-11-26T10:00:00.000Z') },
    ids: { next: nextId },
    allowCustomBaseUrl,
  };
  return { d, connections, secrets };
}

const body = (baseUrl?: string) => ({
  type: 'trendyol',
  name: 'Shop',
  sellerId: 100001,
  apiKey: 'key',
  apiSecret: 'secret',
  ...(baseUrl !== undefined && { baseUrl }),
});

describe('createConnection', () => {
  it('defaults to Trendyol production and keeps the credentials only in the secret store', async () => {
    const { d, connections, secrets } = deps(false);
    const view = await createConnection(d, body());
    expect(view).toMatchObject({
      baseUrl: TRENDYOL_PROD_BASE_URL,
      status: 'active',
      writeRateLimitPerMinute: 350,
    });
    expect(JSON.stringify(view)).not.toMatch(/secret|"key"/);
    expect(JSON.stringify(connections.rows)).not.toContain('"secret"');
    const row = connections.rows[0];
    expect(await secrets.get(row?.secretRef ?? '')).toEqual({ apiKey: 'key', apiSecret: 'secret' });
  });

  it('accepts Trendyol stage on a stage without custom endpoints', async () => {
    const { d } = deps(false);
    expect(await createConnection(d, body(TRENDYOL_STAGE_BASE_URL))).toMatchObject({
      baseUrl: TRENDYOL_STAGE_BASE_URL,
    });
  });

  it.each([
    'http://127.0.0.1:4010/integration',
    'http://apigw.trendyol.com/integration',
    'https://evil.example/integration',
  ])('refuses %s where custom endpoints are not allowed (prod), and stores nothing', async (baseUrl) => {
    const { d, connections } = deps(false);
    const error = await createConnection(d, body(baseUrl)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { path: 'baseUrl', message: expect.stringContaining('apigw.trendyol.com') },
    ]);
    expect(connections.rows).toEqual([]);
  });

  it('allows a simulator URL where the stage allows custom endpoints (local, dev)', async () => {
    const { d } = deps(true);
    expect(await createConnection(d, body('http://127.0.0.1:4010/integration/'))).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010/integration',
    });
  });
});
