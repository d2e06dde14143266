import { RDSDataServiceException, type SqlParameter } from '@aws-sdk/client-rds-data';
import {
  AwsServiceError,
  type EmulatorServer,
  type JsonOperation,
  startRestJsonServer,
} from '../aws-protocol';
import {
  createDataApiEngine,
  type DataApiOnPgliteOptions,
  type PgliteDataApi,
  type SqlSession,
} from './engine';

export interface RdsDataEmulator extends EmulatorServer {
  /** The operations behind the endpoint (tests pause the "cluster" through it). */
  api: PgliteDataApi;
}

/** Wire → SDK: the REST-JSON body carries blobs as base64 strings; the engine takes bytes. */
function fromWireParameters(parameters: unknown): SqlParameter[] {
  if (!Array.isArray(parameters)) return [];
  return parameters.map((p: { value?: { blobValue?: unknown } }) =>
    typeof p.value?.blobValue === 'string'
      ? { ...p, value: { blobValue: Uint8Array.from(Buffer.from(p.value.blobValue, 'base64')) } }
      : p,
  ) as SqlParameter[];
}

/** SDK → wire: bytes become base64, as the Data API's JSON answers carry them. */
function toWire(output: unknown): unknown {
  return JSON.parse(
    JSON.stringify(output, (_, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
    ),
  );
}

/**
 * The body as the operation's SDK input. Field names on the wire are the SDK's; the engine checks the
 * required ones (resourceArn, secretArn, sql) itself and answers BadRequestException as the service does.
 */
function asInput<T>(input: Record<string, unknown>): T {
  return input as T;
}

/** The engine throws the SDK's exception classes; on the wire they become their error codes. */
function operation(run: (input: Record<string, unknown>) => Promise<unknown>): JsonOperation {
  return async (input) => {
    try {
      return toWire(await run(input));
    } catch (error) {
      if (error instanceof RDSDataServiceException) {
        throw new AwsServiceError(error.name, error.message, error.$metadata.httpStatusCode ?? 400);
      }
      throw error;
    }
  };
}

/**
 * The RDS Data API over REST-JSON (`POST /Execute`, `/BatchExecute`, `/BeginTransaction`,
 * `/CommitTransaction`, `/RollbackTransaction`, per the RDS Data API reference) on one PostgreSQL
 * connection (PGlite or a server: ./engine.ts, ./node-postgres-session.ts),
 * sharing its rules with the integration tests' SDK mock (./engine.ts). Errors carry the
 * service's codes (BadRequestException, DatabaseErrorException, DatabaseResumingException) in
 * `x-amzn-ErrorType`, so the SDK throws the same exception classes as against Aurora.
 */
export async function startRdsDataEmulator(
  session: SqlSession,
  options: DataApiOnPgliteOptions & { port?: number } = {},
): Promise<RdsDataEmulator> {
  const api = await createDataApiEngine(session, options);
  const server = await startRestJsonServer({
    ...(options.port !== undefined && { port: options.port }),
    routes: {
      '/Execute': operation((input) =>
        api.executeStatement(asInput({ ...input, parameters: fromWireParameters(input.parameters) })),
      ),
      '/BatchExecute': operation((input) =>
        api.batchExecuteStatement(
          asInput({
            ...input,
            parameterSets: Array.isArray(input.parameterSets)
              ? input.parameterSets.map((set: unknown) => fromWireParameters(set))
              : [],
          }),
        ),
      ),
      '/BeginTransaction': operation((input) => api.beginTransaction(asInput(input))),
      '/CommitTransaction': operation((input) => api.commitTransaction(asInput(input))),
      '/RollbackTransaction': operation((input) => api.rollbackTransaction(asInput(input))),
    },
  });
  return { ...server, api };
}
