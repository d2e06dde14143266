import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  type BatchExecuteStatementCommandInput,
  type BatchExecuteStatementCommandOutput,
  type BeginTransactionCommandInput,
  type BeginTransactionCommandOutput,
  type ColumnMetadata,
  type CommitTransactionCommandInput,
  type CommitTransactionCommandOutput,
  DatabaseErrorException,
  DatabaseResumingException,
  type ExecuteStatementCommandInput,
  type ExecuteStatementCommandOutput,
  type Field,
  type RollbackTransactionCommandInput,
  type RollbackTransactionCommandOutput,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { PGlite } from '@electric-sql/pglite';

/**
 * The RDS Data API's five operations (ExecuteStatement, BatchExecuteStatement, Begin/Commit/
 * RollbackTransaction) answered by running the SQL on one PostgreSQL connection (PGlite, or a server
 * through node-postgres: {@link SqlSession}), with the Data API's rules
 * applied on the way in and out. Two front ends share it: the SDK-command mock of the integration
 * tests (test/support/data-api-over-pglite.ts) and the REST-JSON emulator `npm run twin` serves
 * (./server.ts). Inputs and outputs are the SDK's shapes; errors are the SDK's exception classes.
 * Rules:
 *
 * - named parameters (`:1`, `:name`) become positional ones typed like the Data API types them
 *   (stringValue → varchar unless a typeHint says DECIMAL/TIMESTAMP/DATE/TIME/UUID/JSON, longValue →
 *   int8, doubleValue → float8, booleanValue → bool, blobValue → bytea), so a missing cast or type
 *   hint fails here as it does on Aurora;
 * - `arrayValue` parameters are rejected (the Data API has no array parameters);
 * - TIMESTAMP/DATE/TIME hinted strings must be in the Data API's formats;
 * - results come back as `Field`s (numeric/json/text/timestamps → stringValue, int2/4/8 → longValue,
 *   float → doubleValue, bool → booleanValue, bytea → blobValue, timestamptz in UTC without offset);
 * - a response above 1 MiB or a result row above 64 KB is refused with BadRequestException;
 * - transactions hold the (single) PGlite connection: other work waits until commit/rollback.
 */

export const DATA_API_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DATA_API_MAX_ROW_BYTES = 64 * 1024;

/** The Data API's operations over one PGlite; each throws the SDK's exception for a refused call. */
export interface PgliteDataApi {
  executeStatement(input: ExecuteStatementCommandInput): Promise<Partial<ExecuteStatementCommandOutput>>;
  batchExecuteStatement(
    input: BatchExecuteStatementCommandInput,
  ): Promise<Partial<BatchExecuteStatementCommandOutput>>;
  beginTransaction(input: BeginTransactionCommandInput): Promise<Partial<BeginTransactionCommandOutput>>;
  commitTransaction(input: CommitTransactionCommandInput): Promise<Partial<CommitTransactionCommandOutput>>;
  rollbackTransaction(
    input: RollbackTransactionCommandInput,
  ): Promise<Partial<RollbackTransactionCommandOutput>>;
  /** The next `count` calls (of any kind) answer DatabaseResumingException, as a paused cluster does. */
  pauseFor(count: number): void;
}

export interface DataApiOnPgliteOptions {
  /** How long autocommit work waits for an open transaction before failing (single connection). */
  lockWaitMs?: number;
}

const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const HINT_OID: Record<string, number> = {
  DECIMAL: OID.numeric,
  TIMESTAMP: OID.timestamp,
  DATE: OID.date,
  TIME: OID.time,
  UUID: OID.uuid,
  JSON: OID.json,
};

const HINT_FORMAT: Record<string, { pattern: RegExp; message: string }> = {
  TIMESTAMP: {
    pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/,
    message: 'Timestamp format must be yyyy-mm-dd hh:mm:ss[.fffffffff]',
  },
  DATE: { pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'Date format must be yyyy-mm-dd' },
  TIME: { pattern: /^\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/, message: 'Time format must be hh:mm:ss[.fffffffff]' },
  DECIMAL: {
    pattern: /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/,
    message: 'Decimal value is not a valid number',
  },
};

/** java.sql.Types codes, as the Data API reports them in ColumnMetadata.type. */
const JDBC_TYPE: Record<number, number> = {
  [OID.bool]: -7,
  [OID.bytea]: -2,
  [OID.int8]: -5,
  [OID.int2]: 5,
  [OID.int4]: 4,
  [OID.float4]: 7,
  [OID.float8]: 8,
  [OID.numeric]: 2,
  [OID.date]: 91,
  [OID.time]: 92,
  [OID.timestamp]: 93,
  [OID.timestamptz]: 93,
};

const badRequest = (message: string) => new BadRequestException({ message, $metadata: {} });

export interface PgResult {
  rows: unknown[][];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

class ConnectionLock {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with the release function once every earlier holder has released. */
  acquire(waitMs: number, what: string): Promise<() => void> {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Whoever waited gave up: hand the connection straight on once it is ours.
        void ready.then((free) => free());
        reject(
          new Error(
            `Data API stand-in: ${what} waited ${waitMs} ms for an open transaction (PGlite has one ` +
              'connection; is a statement running outside the transaction that is still open?)',
          ),
        );
      }, waitMs);
    });
    return Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
  }
}

/** `:name` → `$n`, skipping literals, quoted identifiers, comments, dollar quotes and `::` casts. */
export function toPositional(text: string, parameters: readonly SqlParameter[]) {
  const byName = new Map(parameters.map((p) => [p.name ?? '', p]));
  const order: SqlParameter[] = [];
  const index = new Map<string, number>();
  let out = '';
  let i = 0;
  const copyUntil = (end: string, from: number) => {
    const stop = text.indexOf(end, from);
    const to = stop === -1 ? text.length : stop + end.length;
    out += text.slice(i, to);
    i = to;
  };
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      const escapes = ch === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
      while (j < text.length) {
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === ch && text[j + 1] === ch) j += 2;
        else if (text[j] === ch) break;
        else j += 1;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' && next === '-') {
      copyUntil('\n', i);
    } else if (ch === '/' && next === '*') {
      copyUntil('*/', i + 2);
    } else if (ch === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(text.slice(i))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(text.slice(i))?.[0] ?? '$$';
      copyUntil(tag, i + tag.length);
    } else if (ch === ':' && next === ':') {
      out += '::';
      i += 2;
    } else if (ch === ':' && next !== undefined && /\w/.test(next)) {
      const name = /^\w+/.exec(text.slice(i + 1))?.[0] ?? '';
      const parameter = byName.get(name);
      if (!parameter) throw badRequest(`No value specified for parameter: ${name}`);
      let n = index.get(name);
      if (n === undefined) {
        order.push(parameter);
        n = order.length;
        index.set(name, n);
      }
      out += `$${n}`;
      i += name.length + 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return { sql: out, parameters: order };
}

/** One Data API parameter as PGlite's text value and parameter type. */
export function toPgParameter(parameter: SqlParameter): { value: string | null; type: number } {
  const { value, typeHint, name } = parameter;
  if (value?.arrayValue !== undefined) throw badRequest('Array parameters are not supported.');
  if (!value) throw badRequest(`Parameter ${name} has no value`);
  const hinted = typeHint ? HINT_OID[typeHint] : undefined;
  if (typeHint && hinted === undefined) throw badRequest(`Unknown type hint: ${typeHint}`);
  if (value.isNull) return { value: null, type: hinted ?? 0 };
  if (value.stringValue !== undefined) {
    const format = typeHint ? HINT_FORMAT[typeHint] : undefined;
    if (format && !format.pattern.test(value.stringValue)) throw badRequest(format.message);
    return { value: value.stringValue, type: hinted ?? OID.varchar };
  }
  if (typeHint) throw badRequest(`Type hint ${typeHint} applies to string values only`);
  if (value.longValue !== undefined) return { value: String(value.longValue), type: OID.int8 };
  if (value.doubleValue !== undefined) return { value: String(value.doubleValue), type: OID.float8 };
  if (value.booleanValue !== undefined) return { value: String(value.booleanValue), type: OID.bool };
  if (value.blobValue !== undefined) {
    return { value: `\\x${Buffer.from(value.blobValue).toString('hex')}`, type: OID.bytea };
  }
  throw badRequest(`Parameter ${name} has no supported value`);
}

function toField(raw: unknown, type: number, category: string | undefined): Field {
  if (raw === null || raw === undefined) return { isNull: true };
  const text = String(raw);
  if (category === 'A') throw new Error(`Data API stand-in: array results (type ${type}) are not modelled`);
  switch (type) {
    case OID.bool:
      return { booleanValue: text === 't' || text === 'true' };
    case OID.int2:
    case OID.int4:
    case OID.int8:
    case OID.oid:
      return { longValue: Number(text) };
    case OID.float4:
    case OID.float8:
      return { doubleValue: Number(text) };
    case OID.bytea:
      return { blobValue: Uint8Array.from(Buffer.from(text.replace(/^\\x/, ''), 'hex')) };
    case OID.timestamptz:
      // The session runs in UTC, as Aurora does by default; the Data API drops the offset.
      return { stringValue: text.replace(/[+-]\d{2}(:\d{2})?$/, '') };
    default:
      return { stringValue: text };
  }
}

function fieldBytes(field: Field): number {
  if (field.stringValue !== undefined) return Buffer.byteLength(field.stringValue);
  if (field.blobValue !== undefined) return field.blobValue.byteLength;
  return 8;
}

/**
 * The one database connection the Data API engine runs on. Every value travels as text both ways
 * (the engine, not the driver, decides representations); `paramTypes` are the PostgreSQL type OIDs
 * the Data API would give the parameters (0 = let the server infer).
 */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  /** `pg_type` rows: oid, typname, typcategory. */
  typeCatalog(): Promise<Array<{ oid: number; typname: string; typcategory: string }>>;
  queryArrays(sql: string, values: Array<string | null>, paramTypes: number[]): Promise<PgResult>;
}

/** A PGlite database as the engine's session (PGlite has exactly one connection). */
export function pgliteSession(pg: PGlite): SqlSession {
  let codecs = {};
  return {
    exec: async (sql) => {
      await pg.exec(sql);
    },
    typeCatalog: async () => {
      const result = await pg.query<{ oid: number; typname: string; typcategory: string }>(
        'SELECT oid::int AS oid, typname, typcategory FROM pg_type',
      );
      const asText = (value: unknown) => String(value);
      const keepText = (value: string) => value;
      codecs = {
        parsers: Object.fromEntries(result.rows.map((row) => [row.oid, keepText])),
        serializers: Object.fromEntries(result.rows.map((row) => [row.oid, asText])),
      };
      return result.rows;
    },
    queryArrays: (sql, values, paramTypes) =>
      pg.query<unknown[]>(sql, values, { rowMode: 'array', paramTypes, ...codecs }),
  };
}

/** Prepares `pg` (UTC session, type catalogue) and returns the Data API's operations over it. */
export function createPgliteDataApi(
  pg: PGlite,
  options: DataApiOnPgliteOptions = {},
): Promise<PgliteDataApi> {
  return createDataApiEngine(pgliteSession(pg), options);
}

/** Prepares the session (UTC, type catalogue) and returns the Data API's operations over it. */
export async function createDataApiEngine(
  session: SqlSession,
  options: DataApiOnPgliteOptions = {},
): Promise<PgliteDataApi> {
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  const lock = new ConnectionLock();
  const transactions = new Map<string, () => void>();
  let pausedFor = 0;

  // Aurora's default TimeZone; Data API TIMESTAMP parameters and timestamptz results are UTC.
  await session.exec(`SET TimeZone = 'UTC'`);
  const types = new Map<number, { name: string; category: string }>();
  const loadTypes = async () => {
    for (const row of await session.typeCatalog()) {
      types.set(row.oid, { name: row.typname, category: row.typcategory });
    }
  };
  await loadTypes();

  const checkTarget = (input: { resourceArn?: string; secretArn?: string }) => {
    if (!input.resourceArn) throw badRequest('resourceArn is required');
    if (!input.secretArn) throw badRequest('secretArn is required');
    if (pausedFor > 0) {
      pausedFor -= 1;
      throw new DatabaseResumingException({
        message: 'The Aurora DB instance is resuming after being auto-paused. Please wait a few seconds.',
        $metadata: {},
      });
    }
  };

  const run = async (text: string, parameters: readonly SqlParameter[]): Promise<PgResult> => {
    const positional = toPositional(text, parameters);
    const values = positional.parameters.map(toPgParameter);
    try {
      return await session.queryArrays(
        positional.sql,
        values.map((v) => v.value),
        values.map((v) => v.type),
      );
    } catch (error) {
      const { message, code } = error as { message?: string; code?: string };
      throw new DatabaseErrorException({
        message: `ERROR: ${message ?? String(error)}; SQLState: ${code ?? 'XX000'}`,
        $metadata: {},
      });
    }
  };

  /** Runs inside the named transaction, or alone on the connection (autocommit). */
  const onConnection = async <T>(transactionId: string | undefined, what: string, work: () => Promise<T>) => {
    if (transactionId) {
      if (!transactions.has(transactionId)) throw badRequest(`Transaction ${transactionId} is not found`);
      return work();
    }
    const release = await lock.acquire(lockWaitMs, what);
    try {
      return await work();
    } finally {
      release();
    }
  };

  const toOutput = async (
    input: ExecuteStatementCommandInput,
    result: PgResult,
  ): Promise<Partial<ExecuteStatementCommandOutput>> => {
    if (result.fields.some((f) => !types.has(f.dataTypeID))) await loadTypes();
    const output: Partial<ExecuteStatementCommandOutput> = {
      numberOfRecordsUpdated: result.affectedRows ?? 0,
      generatedFields: [],
    };
    if (result.fields.length === 0) return output;
    output.records = result.rows.map((row) =>
      result.fields.map((f, i) => toField(row[i], f.dataTypeID, types.get(f.dataTypeID)?.category)),
    );
    for (const record of output.records) {
      const bytes = record.reduce((sum, field) => sum + fieldBytes(field), 0);
      if (bytes > DATA_API_MAX_ROW_BYTES) {
        throw badRequest(`Database returned a row of ${bytes} bytes, above the 64 KB row size limit`);
      }
    }
    if (input.includeResultMetadata) {
      output.columnMetadata = result.fields.map(
        (f): ColumnMetadata => ({
          name: f.name,
          label: f.name,
          typeName: types.get(f.dataTypeID)?.name,
          type: JDBC_TYPE[f.dataTypeID] ?? (f.dataTypeID === OID.varchar ? 12 : 1111),
        }),
      );
    }
    const size = Buffer.byteLength(
      JSON.stringify(output, (_, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
      ),
    );
    if (size > DATA_API_MAX_RESPONSE_BYTES) {
      throw badRequest('Database returned more than the allowed response size limit');
    }
    return output;
  };

  const executeStatement = async (input: ExecuteStatementCommandInput) => {
    checkTarget(input);
    if (!input.sql) throw badRequest('sql is required');
    if (input.formatRecordsAs && input.formatRecordsAs !== 'NONE') {
      throw new Error('Data API stand-in: formatRecordsAs JSON is not modelled');
    }
    const text = input.sql;
    return onConnection(input.transactionId, 'ExecuteStatement', async () =>
      toOutput(input, await run(text, input.parameters ?? [])),
    );
  };
  const batchExecuteStatement = async (input: BatchExecuteStatementCommandInput) => {
    checkTarget(input);
    if (!input.sql) throw badRequest('sql is required');
    const text = input.sql;
    const sets = input.parameterSets?.length ? input.parameterSets : [[]];
    return onConnection(input.transactionId, 'BatchExecuteStatement', async () => {
      const output: Partial<BatchExecuteStatementCommandOutput> = { updateResults: [] };
      for (const set of sets) {
        await run(text, set);
        output.updateResults?.push({ generatedFields: [] });
      }
      return output;
    });
  };
  const beginTransaction = async (input: BeginTransactionCommandInput) => {
    checkTarget(input);
    const release = await lock.acquire(lockWaitMs, 'BeginTransaction');
    try {
      await session.exec('BEGIN');
    } catch (error) {
      release();
      throw error;
    }
    const transactionId = randomBytes(36).toString('base64');
    transactions.set(transactionId, release);
    return { transactionId };
  };
  const end = async (transactionId: string | undefined, statement: 'COMMIT' | 'ROLLBACK') => {
    const release = transactionId ? transactions.get(transactionId) : undefined;
    if (!transactionId || !release) throw badRequest(`Transaction ${transactionId} is not found`);
    transactions.delete(transactionId);
    try {
      await session.exec(statement);
    } finally {
      release();
    }
  };
  const commitTransaction = async (input: CommitTransactionCommandInput) => {
    checkTarget(input);
    await end(input.transactionId, 'COMMIT');
    return { transactionStatus: 'Transaction Committed' };
  };
  const rollbackTransaction = async (input: RollbackTransactionCommandInput) => {
    checkTarget(input);
    await end(input.transactionId, 'ROLLBACK');
    return { transactionStatus: 'Rollback Complete' };
  };

  return {
    executeStatement,
    batchExecuteStatement,
    beginTransaction,
    commitTransaction,
    rollbackTransaction,
    pauseFor: (count) => {
      pausedFor = count;
    },
  };
}
