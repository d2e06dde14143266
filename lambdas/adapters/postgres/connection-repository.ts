import { asc, eq } from 'drizzle-orm';
import type {
  Connection,
  ConnectionRepository,
  ConnectionState,
  NewConnection,
} from '../../ports/repositories';
import type { Database } from './database';
import { toIso, toIsoOrNull } from './rows';
import { connectionState, connections } from './schema';

type ConnectionRow = typeof connections.$inferSelect;
type StateRow = typeof connectionState.$inferSelect;

function toConnection(row: ConnectionRow): Connection {
  return { ...row, createdAt: toIso(row.createdAt), updatedAt: toIso(row.updatedAt) };
}

function toState(row: StateRow): ConnectionState {
  return {
    lastAttemptAt: toIsoOrNull(row.lastAttemptAt),
    lastSuccessAt: toIsoOrNull(row.lastSuccessAt),
    lastStatus: row.lastStatus,
    lastJobId: row.lastJobId,
    lastError: row.lastError,
    updatedAt: toIso(row.updatedAt),
  };
}

export class PostgresConnectionRepository implements ConnectionRepository {
  constructor(private readonly db: Database) {}

  async create(connection: NewConnection, now: Date): Promise<Connection> {
    const at = now.toISOString();
    // Not in a transaction: a Data API transaction costs two extra calls and the state row is
    // recreated on demand by updateState if the second insert were ever lost.
    const [row] = await this.db
      .insert(connections)
      .values({ ...connection, createdAt: at, updatedAt: at })
      .returning();
    if (!row) throw new Error('insert into connections returned no row');
    await this.db
      .insert(connectionState)
      .values({ connectionId: connection.id, lastStatus: 'IDLE', updatedAt: at })
      .onConflictDoNothing();
    return toConnection(row);
  }

  async list(): Promise<Connection[]> {
    const rows = await this.db
      .select()
      .from(connections)
      .orderBy(asc(connections.createdAt), asc(connections.id));
    return rows.map(toConnection);
  }

  async get(id: string): Promise<Connection | undefined> {
    const [row] = await this.db.select().from(connections).where(eq(connections.id, id));
    return row ? toConnection(row) : undefined;
  }

  async update(
    id: string,
    patch: Partial<
      Pick<
        Connection,
        'name' | 'status' | 'secretRef' | 'baseUrl' | 'integratorName' | 'writeRateLimitPerMinute'
      >
    >,
    now: Date,
  ): Promise<Connection | undefined> {
    const set: Partial<typeof connections.$inferInsert> = { updatedAt: now.toISOString() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.secretRef !== undefined) set.secretRef = patch.secretRef;
    if (patch.baseUrl !== undefined) set.baseUrl = patch.baseUrl;
    if (patch.integratorName !== undefined) set.integratorName = patch.integratorName;
    if (patch.writeRateLimitPerMinute !== undefined)
      set.writeRateLimitPerMinute = patch.writeRateLimitPerMinute;
    const [row] = await this.db.update(connections).set(set).where(eq(connections.id, id)).returning();
    return row ? toConnection(row) : undefined;
  }

  async getState(id: string): Promise<ConnectionState | undefined> {
    const [row] = await this.db.select().from(connectionState).where(eq(connectionState.connectionId, id));
    if (row) return toState(row);
    const connection = await this.get(id);
    if (!connection) return undefined;
    return {
      lastAttemptAt: null,
      lastSuccessAt: null,
      lastStatus: 'IDLE',
      lastJobId: null,
      lastError: null,
      updatedAt: connection.updatedAt,
    };
  }

  async updateState(
    id: string,
    patch: Partial<Omit<ConnectionState, 'updatedAt'>>,
    now: Date,
  ): Promise<void> {
    const set: Partial<typeof connectionState.$inferInsert> = { updatedAt: now.toISOString() };
    if (patch.lastAttemptAt !== undefined) set.lastAttemptAt = patch.lastAttemptAt;
    if (patch.lastSuccessAt !== undefined) set.lastSuccessAt = patch.lastSuccessAt;
    if (patch.lastStatus !== undefined) set.lastStatus = patch.lastStatus;
    if (patch.lastJobId !== undefined) set.lastJobId = patch.lastJobId;
    if (patch.lastError !== undefined) set.lastError = patch.lastError;
    await this.db
      .insert(connectionState)
      .values({ lastStatus: 'IDLE', ...set, connectionId: id, updatedAt: now.toISOString() })
      .onConflictDoUpdate({ target: connectionState.connectionId, set });
  }
}
