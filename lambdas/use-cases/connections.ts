import { z } from 'zod';
import { type ConnectionSettings, settingsPatchSchema } from '../domain/connection-settings';
import { toIssues } from '../domain/push-request';
import { ValidationError } from '../domain/validation-error';
import type { CatalogRepository } from '../ports/catalog';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { Connection, ConnectionRepository, Job, JobRepository } from '../ports/repositories';
import type { SecretStore } from '../ports/secret-store';
import { notFound } from './errors';
import { toJobView } from './jobs';

export const TRENDYOL_PROD_BASE_URL = 'https://apigw.trendyol.com/integration';
export const TRENDYOL_STAGE_BASE_URL = 'https://stageapigw.trendyol.com/integration';
const TRENDYOL_HOSTS = new Set(['apigw.trendyol.com', 'stageapigw.trendyol.com']);
/** Trendyol's inventory-write tiers (requests per minute), lowest first. */
export const WRITE_RATE_TIERS = [350, 500, 1000, 1500, 2000] as const;

export interface ConnectionDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  secrets: SecretStore;
  clock: Clock;
  ids: IdGenerator;
  /** Local and dev stages may point a connection at a simulator; elsewhere only Trendyol's hosts. */
  allowCustomBaseUrl: boolean;
  /** Where per-connection settings live (catalog sync and guards); required to PATCH `settings`. */
  catalog?: Pick<CatalogRepository, 'getSettings' | 'saveSettings'>;
}

const nonBlank = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, 'must not be blank');

const createSchema = z.object({
  type: z.literal('trendyol', { error: 'must be "trendyol"' }),
  name: nonBlank('name').max(200),
  sellerId: z.coerce
    .number({ error: 'must be a positive integer' })
    .int('must be a positive integer')
    .positive('must be a positive integer'),
  apiKey: nonBlank('apiKey'),
  apiSecret: nonBlank('apiSecret'),
  baseUrl: z.string().trim().optional(),
  integratorName: z
    .string()
    .regex(/^[A-Za-z0-9]{1,30}$/, 'must be 1–30 letters or digits (Trendyol User-Agent rule)')
    .optional(),
  writeRateLimitPerMinute: z
    .number()
    .refine(
      (n) => (WRITE_RATE_TIERS as readonly number[]).includes(n),
      `must be one of ${WRITE_RATE_TIERS.join(', ')}`,
    )
    .optional(),
});

const patchSchema = z
  .object({
    name: nonBlank('name').max(200).optional(),
    status: z.enum(['active', 'paused'], { error: 'must be "active" or "paused"' }).optional(),
    apiKey: nonBlank('apiKey').optional(),
    apiSecret: nonBlank('apiSecret').optional(),
    settings: settingsPatchSchema.optional(),
  })
  .refine(
    (p) => Object.values(p).some((v) => v !== undefined),
    'nothing to update: give name, status, credentials or settings',
  )
  .refine((p) => (p.apiKey === undefined) === (p.apiSecret === undefined), {
    message: 'apiKey and apiSecret must be rotated together',
    path: ['apiSecret'],
  });

/** The seed's connection fields; never the secret reference, never credentials. */
export function toConnectionSummary(c: Connection) {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function toConnectionView(c: Connection) {
  return {
    ...toConnectionSummary(c),
    sellerId: c.sellerId,
    baseUrl: c.baseUrl,
    integratorName: c.integratorName,
    writeRateLimitPerMinute: c.writeRateLimitPerMinute,
  };
}

function checkBaseUrl(raw: string | undefined, allowCustom: boolean): string {
  if (raw === undefined || raw === '') return TRENDYOL_PROD_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('The connection is invalid.', [
      { path: 'baseUrl', message: 'must be an absolute URL' },
    ]);
  }
  const isTrendyol = url.protocol === 'https:' && TRENDYOL_HOSTS.has(url.hostname);
  if (!isTrendyol && !allowCustom) {
    throw new ValidationError('The connection is invalid.', [
      {
        path: 'baseUrl',
        message: `must be ${TRENDYOL_PROD_BASE_URL} or ${TRENDYOL_STAGE_BASE_URL} on this stage`,
      },
    ]);
  }
  if (!['http:', 'https:'].includes(url.protocol)) {
    throw new ValidationError('The connection is invalid.', [
      { path: 'baseUrl', message: 'must be http(s)' },
    ]);
  }
  return raw.replace(/\/+$/, '');
}

export async function createConnection(deps: ConnectionDeps, body: unknown) {
  const parsed = createSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('The connection is invalid.', toIssues(parsed.error));
  const input = parsed.data;
  const baseUrl = checkBaseUrl(input.baseUrl, deps.allowCustomBaseUrl);
  const id = deps.ids.next();
  const secretRef = await deps.secrets.put(id, { apiKey: input.apiKey, apiSecret: input.apiSecret });
  const connection = await deps.connections.create(
    {
      id,
      type: 'trendyol',
      name: input.name,
      sellerId: input.sellerId,
      baseUrl,
      integratorName: input.integratorName ?? null,
      secretRef,
      status: 'active',
      writeRateLimitPerMinute: input.writeRateLimitPerMinute ?? WRITE_RATE_TIERS[0],
    },
    deps.clock.now(),
  );
  return toConnectionView(connection);
}

export async function listConnections(deps: Pick<ConnectionDeps, 'connections'>) {
  return (await deps.connections.list()).map(toConnectionSummary);
}

export async function requireConnection(
  deps: Pick<ConnectionDeps, 'connections'>,
  id: string,
): Promise<Connection> {
  const connection = await deps.connections.get(id);
  if (!connection) throw notFound('CONNECTION_NOT_FOUND', `Connection ${id} does not exist.`);
  return connection;
}

export async function getConnection(deps: Pick<ConnectionDeps, 'connections' | 'catalog'>, id: string) {
  const view = toConnectionView(await requireConnection(deps, id));
  const settings = await deps.catalog?.getSettings(id);
  return settings ? { ...view, settings: settingsView(view, settings) } : view;
}

export async function updateConnection(deps: ConnectionDeps, id: string, body: unknown) {
  const parsed = patchSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('The connection update is invalid.', toIssues(parsed.error));
  const existing = await requireConnection(deps, id);
  const { name, status, apiKey, apiSecret, settings: settingsPatch } = parsed.data;
  const now = deps.clock.now();
  const rate = settingsPatch?.writeRateLimitPerMinute;
  if (rate !== undefined && !(WRITE_RATE_TIERS as readonly number[]).includes(rate)) {
    throw new ValidationError('The connection update is invalid.', [
      { path: 'settings.writeRateLimitPerMinute', message: `must be one of ${WRITE_RATE_TIERS.join(', ')}` },
    ]);
  }
  let settings: ConnectionSettings | undefined;
  if (settingsPatch !== undefined) {
    if (!deps.catalog) throw new Error('settings cannot be stored: no catalog repository wired');
    const { writeRateLimitPerMinute: _rate, integratorName: _name, ...own } = settingsPatch;
    settings = await deps.catalog.saveSettings(id, own, now);
  }
  if (apiKey !== undefined && apiSecret !== undefined) {
    await deps.secrets.put(existing.id, { apiKey, apiSecret });
    // New credentials end an authentication error: the next job shows whether they work.
    const state = await deps.connections.getState(id);
    if (state?.lastStatus === 'ERROR') await deps.connections.updateState(id, { lastStatus: 'IDLE' }, now);
  }
  const updated = await deps.connections.update(
    id,
    {
      ...(name !== undefined && { name }),
      ...(status !== undefined && { status }),
      ...(rate !== undefined && { writeRateLimitPerMinute: rate }),
      ...(settingsPatch?.integratorName !== undefined && { integratorName: settingsPatch.integratorName }),
    },
    now,
  );
  const view = toConnectionView(updated ?? existing);
  settings ??= await deps.catalog?.getSettings(id);
  return settings ? { ...view, settings: settingsView(view, settings) } : view;
}

/** All settings of `PATCH /v1/connections/:id` in one object, connection columns included. */
function settingsView(
  view: { writeRateLimitPerMinute: number; integratorName: string | null },
  settings: ConnectionSettings,
) {
  return {
    ...settings,
    writeRateLimitPerMinute: view.writeRateLimitPerMinute,
    integratorName: view.integratorName,
  };
}

function toLastJobView(job: Job | undefined) {
  if (!job) return null;
  const { id, type, status, startedAt, finishedAt, summary, error, createdAt } = toJobView(job);
  return { id, type, status, startedAt, finishedAt, summary, error, createdAt };
}

export async function getConnectionStatus(
  deps: Pick<ConnectionDeps, 'connections' | 'jobs'> & {
    catalog?: Pick<CatalogRepository, 'driftSummary' | 'countHolds'>;
  },
  id: string,
) {
  const connection = await requireConnection(deps, id);
  const [state, lastJob, drift, heldCount] = await Promise.all([
    deps.connections.getState(id),
    deps.jobs.latestForConnection(id),
    deps.catalog?.driftSummary(id),
    deps.catalog?.countHolds(id),
  ]);
  // The repository answers IDLE defaults for a connection without jobs; undefined means it just vanished.
  if (!state) throw notFound('CONNECTION_NOT_FOUND', `Connection ${id} does not exist.`);
  return {
    connection: toConnectionSummary(connection),
    // drift: open differences found by the reconciliation; heldCount: prices kept back by the guards.
    state: { ...state, ...(drift && { drift }), ...(heldCount !== undefined && { heldCount }) },
    lastJob: toLastJobView(lastJob),
  };
}
