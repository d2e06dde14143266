import { type BaseUrlPolicy, checkBaseUrl } from '../domain/base-url';
import type { CreateConnectionInput, UpdateConnectionInput } from '../domain/connection-input';
import { WRITE_RATE_TIERS } from '../domain/connection-input';
import type { ConnectionSettings } from '../domain/connection-settings';
import type { CatalogRepository } from '../ports/catalog';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { Connection, ConnectionRepository, Job, JobRepository } from '../ports/repositories';
import type { ConnectionCredentials, SecretStore } from '../ports/secret-store';
import { notFound } from './errors';
import { toJobView } from './jobs';

export { TRENDYOL_PROD_BASE_URL, TRENDYOL_STAGE_BASE_URL } from '../domain/base-url';
export { WRITE_RATE_TIERS } from '../domain/connection-input';

export interface ConnectionDeps {
  connections: ConnectionRepository;
  jobs: JobRepository;
  secrets: SecretStore;
  clock: Clock;
  ids: IdGenerator;
  /** Local and dev stages may point a connection at a simulator; elsewhere only Trendyol's hosts. */
  allowCustomBaseUrl: boolean;
  /**
   * Origins (`http://127.0.0.1:4010`) a connection may use on the local stack, where loopback is
   * otherwise refused; set only there (`ECI_LOCAL_BASE_URLS`). Undefined with `allowCustomBaseUrl`
   * means the dev rules: https and public hosts only.
   */
  localBaseUrls?: readonly string[];
  /** Where per-connection settings live (catalog sync and guards); required to PATCH `settings`. */
  catalog?: Pick<CatalogRepository, 'getSettings' | 'saveSettings'>;
}

/** The stage's base-URL rules from the two settings the stage hands the API (see base-url.ts). */
export function baseUrlPolicyOf(
  deps: Pick<ConnectionDeps, 'allowCustomBaseUrl' | 'localBaseUrls'>,
): BaseUrlPolicy {
  if (!deps.allowCustomBaseUrl) return { kind: 'trendyol-only' };
  return deps.localBaseUrls ? { kind: 'local', allowedOrigins: deps.localBaseUrls } : { kind: 'custom' };
}

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

/**
 * Creates a connection from validated input (the HTTP edge parses the body). The base URL is checked
 * against the stage's rules before anything is written; the credentials go to the secret store first and
 * are deleted again if the row cannot be written, so no secret is left without its connection.
 * @throws ValidationError (path `baseUrl`) when the stage does not allow the base URL.
 */
export async function createConnection(deps: ConnectionDeps, input: CreateConnectionInput) {
  const baseUrl = checkBaseUrl(input.baseUrl, baseUrlPolicyOf(deps));
  const id = deps.ids.next();
  const secretRef = await deps.secrets.put(id, { apiKey: input.apiKey, apiSecret: input.apiSecret });
  try {
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
    const sameSeller = (await deps.connections.list()).filter(
      (other) => other.id !== connection.id && other.sellerId === connection.sellerId,
    );
    return {
      ...toConnectionView(connection),
      ...(sameSeller.length > 0 && { warnings: [sameSellerWarning(connection.sellerId, sameSeller)] }),
    };
  } catch (error) {
    await deps.secrets.delete(secretRef).catch(() => undefined);
    throw error;
  }
}

/**
 * Created anyway (a seller may rotate to a new connection), but said out loud: two connections of one
 * seller share Trendyol's per-seller write limit and overwrite each other's prices and stock.
 */
function sameSellerWarning(sellerId: number, others: Connection[]) {
  return {
    code: 'SELLER_ALREADY_CONNECTED',
    message:
      `Seller ${sellerId} already has connection ${others.map((c) => c.id).join(', ')}; both write the same ` +
      "products and share Trendyol's per-seller rate limit. Pause one unless this is intended.",
  };
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

/**
 * Applies a validated update. When credentials are rotated, the previous ones are read first and put
 * back if the row update fails afterwards, so a failed PATCH leaves the connection as it was.
 * @throws AppError 404 CONNECTION_NOT_FOUND.
 */
export async function updateConnection(deps: ConnectionDeps, id: string, input: UpdateConnectionInput) {
  const existing = await requireConnection(deps, id);
  const { name, status, apiKey, apiSecret, settings: settingsPatch } = input;
  const now = deps.clock.now();
  const rate = settingsPatch?.writeRateLimitPerMinute;
  if (settingsPatch !== undefined && !deps.catalog) {
    throw new Error('settings cannot be stored: no catalog repository wired');
  }
  let previous: ConnectionCredentials | undefined;
  let previousSettings: ConnectionSettings | undefined;
  if (apiKey !== undefined && apiSecret !== undefined) {
    previous = await deps.secrets.get(existing.secretRef);
    await deps.secrets.put(existing.id, { apiKey, apiSecret });
  }
  let settings: ConnectionSettings | undefined;
  try {
    if (previous) {
      // New credentials end an authentication error: the next job shows whether they work.
      const state = await deps.connections.getState(id);
      if (state?.lastStatus === 'ERROR') await deps.connections.updateState(id, { lastStatus: 'IDLE' }, now);
    }
    if (settingsPatch !== undefined && deps.catalog) {
      previousSettings = await deps.catalog.getSettings(id);
      const { writeRateLimitPerMinute: _rate, integratorName: _name, ...own } = settingsPatch;
      settings = await deps.catalog.saveSettings(id, own, now);
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
  } catch (error) {
    // All or nothing: a failed PATCH leaves credentials and settings as they were.
    if (previous) await deps.secrets.put(existing.id, previous).catch(() => undefined);
    if (previousSettings && deps.catalog)
      await deps.catalog.saveSettings(id, previousSettings, now).catch(() => undefined);
    throw error;
  }
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
