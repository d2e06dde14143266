import { describe, expect, it } from 'vitest';
import {
  type CreateConnectionInput,
  createConnectionBodySchema,
  updateConnectionBodySchema,
} from '../../../lambdas/domain/connection-input';
import { ValidationError } from '../../../lambdas/domain/validation-error';
import type { Connection, ConnectionRepository, NewConnection } from '../../../lambdas/ports/repositories';
import {
  type ConnectionDeps,
  createConnection,
  TRENDYOL_PROD_BASE_URL,
  TRENDYOL_STAGE_BASE_URL,
  updateConnection,
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

function deps(allowCustomBaseUrl: boolean, localBaseUrls?: string[]) {
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
    ...(localBaseUrls && { localBaseUrls }),
  };
  return { d, connections, secrets };
}

const body = (baseUrl?: string): CreateConnectionInput => ({
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

  it('warns, without refusing, when the seller id already has a connection', async () => {
    const { d, connections } = deps(false);
    const first = await createConnection(d, body());
    expect(first).not.toHaveProperty('warnings');
    const second = await createConnection(d, { ...body(), name: 'Shop again' });
    expect(second).toMatchObject({
      warnings: [{ code: 'SELLER_ALREADY_CONNECTED', message: expect.stringContaining(first.id) }],
    });
    expect(connections.rows).toHaveLength(2);
    expect(await createConnection(d, { ...body(), sellerId: 100002 })).not.toHaveProperty('warnings');
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

  it('allows the simulator on the local stack only as a listed origin', async () => {
    const { d } = deps(true, ['http://127.0.0.1:4010']);
    expect(await createConnection(d, body('http://127.0.0.1:4010/integration/'))).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010/integration',
    });
  });

  it.each([
    ['local', ['http://127.0.0.1:4010'], 'http://127.0.0.1:22', /allowed: http:\/\/127.0.0.1:4010/],
    ['local', ['http://127.0.0.1:4010'], 'http://localhost:3000/v1', /local endpoint/],
    ['local', ['http://127.0.0.1:4010'], 'http://169.254.169.254/latest/meta-data', /link-local/],
    ['local', ['http://127.0.0.1:4010'], 'http://[fd00:ec2::254]/', /metadata/],
    ['local', ['http://127.0.0.1:4010'], 'http://[::ffff:169.254.169.254]/', /link-local/],
    ['local', ['http://127.0.0.1:4010'], 'http://user:pw@127.0.0.1:4010', /user:password/],
    ['local', ['http://127.0.0.1:4010'], 'http://127.0.0.1:4010/__sim/requests?x=', /query/],
    ['local', ['http://127.0.0.1:4010'], 'http://2130706433:22/', /allowed/],
    ['local', ['http://127.0.0.1:4010'], 'ftp://127.0.0.1:4010', /http\(s\)/],
    ['dev', undefined, 'http://sim.example.com/integration', /https/],
    ['dev', undefined, 'https://127.0.0.1:4010/integration', /loopback or private/],
    ['dev', undefined, 'https://10.0.0.5/integration', /loopback or private/],
    ['dev', undefined, 'https://metadata.google.internal/', /metadata/],
    ['dev', undefined, 'https://169.254.169.254/', /link-local/],
  ])('on %s (allowed %j) refuses %s and stores nothing', async (_stage, local, baseUrl, message) => {
    const { d, connections, secrets } = deps(true, local);
    const error = await createConnection(d, body(baseUrl)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details[0]?.message).toMatch(message);
    expect(connections.rows).toEqual([]);
    expect(await secrets.get('cconn1').catch(() => 'absent')).toBe('absent');
  });

  it('allows a public https simulator on dev', async () => {
    const { d } = deps(true);
    expect(await createConnection(d, body('https://sim.example.com/integration'))).toMatchObject({
      baseUrl: 'https://sim.example.com/integration',
    });
  });

  it('deletes the stored secret again when the row cannot be written', async () => {
    const { d, connections, secrets } = deps(false);
    connections.create = async () => {
      throw new Error('database down');
    };
    await expect(createConnection(d, body())).rejects.toThrow('database down');
    await expect(secrets.get('cconn1')).rejects.toThrow();
  });
});

describe('updateConnection', () => {
  it('puts the previous credentials back when the row update fails', async () => {
    const { d, connections, secrets } = deps(false);
    const created = await createConnection(d, body());
    connections.getState = async () => undefined;
    connections.update = async () => {
      throw new Error('database down');
    };
    const rotate = { apiKey: 'new-key', apiSecret: 'new-secret' };
    await expect(updateConnection(d, created.id, rotate)).rejects.toThrow('database down');
    const ref = connections.rows[0]?.secretRef ?? '';
    expect(await secrets.get(ref)).toEqual({ apiKey: 'key', apiSecret: 'secret' });
  });
});

describe('connection body schemas (strict coercion)', () => {
  const valid = { type: 'trendyol', name: 'Shop', sellerId: 1, apiKey: 'k', apiSecret: 's' };
  it.each([true, [5], '0x10', '1e3', '5.0', ' 5', 1.5, 0, -4, '', null, '9007199254740993'])(
    'refuses sellerId %j',
    (sellerId) => {
      const parsed = createConnectionBodySchema.safeParse({ ...valid, sellerId });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['sellerId']);
    },
  );

  it.each([
    [7, 7],
    ['42', 42],
  ])('accepts sellerId %j as %d', (sellerId, expected) => {
    expect(createConnectionBodySchema.parse({ ...valid, sellerId }).sellerId).toBe(expected);
  });

  it.each([' ', 'a b', 'k:ey', 'x'.repeat(257), 'ké', 'a\u0000'])('refuses apiKey %j', (apiKey) => {
    expect(createConnectionBodySchema.safeParse({ ...valid, apiKey }).success).toBe(false);
  });

  it('refuses an unknown field and a NUL in a name', () => {
    expect(createConnectionBodySchema.safeParse({ ...valid, colour: 'red' }).success).toBe(false);
    expect(updateConnectionBodySchema.safeParse({ name: 'a\u0000b' }).success).toBe(false);
  });

  it('keeps writeRateLimitPerMinute to Trendyol tiers and integratorName to its User-Agent rule', () => {
    expect(
      createConnectionBodySchema.parse({ ...valid, writeRateLimitPerMinute: 1000 }).writeRateLimitPerMinute,
    ).toBe(1000);
    expect(createConnectionBodySchema.safeParse({ ...valid, writeRateLimitPerMinute: 999 }).success).toBe(
      false,
    );
    expect(createConnectionBodySchema.safeParse({ ...valid, integratorName: 'Eci-1' }).success).toBe(false);
  });

  it('PATCH needs something to update and rotates credentials as a pair', () => {
    expect(updateConnectionBodySchema.safeParse({}).error?.issues[0]?.message).toMatch(/nothing to update/);
    expect(updateConnectionBodySchema.safeParse({ apiKey: 'k' }).error?.issues[0]?.path).toEqual([
      'apiSecret',
    ]);
    expect(updateConnectionBodySchema.parse({ apiKey: 'k', apiSecret: 's', status: 'paused' })).toEqual({
      apiKey: 'k',
      apiSecret: 's',
      status: 'paused',
    });
  });

  it('refuses a base URL that is not an absolute URL', async () => {
    const { d } = deps(true, []);
    const error = await createConnection(d, body('/integration')).catch((e: unknown) => e);
    expect((error as ValidationError).details).toEqual([
      { path: 'baseUrl', message: 'must be an absolute URL' },
    ]);
  });
});
