import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import type { PGlite } from '@electric-sql/pglite';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { createPgliteDataApi, type DataApiOnPgliteOptions } from '../../local/emulators/rds-data/engine';

export {
  DATA_API_MAX_RESPONSE_BYTES,
  DATA_API_MAX_ROW_BYTES,
  toPgParameter,
  toPositional,
} from '../../local/emulators/rds-data/engine';

/**
 * The RDS Data API at the SDK-command boundary: aws-sdk-client-mock answers the commands Drizzle's
 * `aws-data-api/pg` driver sends with the PGlite-backed Data API that `npm run twin` also serves over
 * HTTP (local/emulators/rds-data), so the rules it enforces live in one place.
 */
export interface DataApiOnPglite {
  client: RDSDataClient;
  mock: AwsClientStub<RDSDataClient>;
  /** Inputs of every ExecuteStatement sent so far (also those that failed). */
  executeInputs(): ExecuteStatementCommandInput[];
  /** The next `count` commands (of any kind) answer DatabaseResumingException, as a paused cluster does. */
  pauseFor(count: number): void;
}

export async function mockDataApiOnPglite(
  client: RDSDataClient,
  pg: PGlite,
  options: DataApiOnPgliteOptions = {},
): Promise<DataApiOnPglite> {
  const api = await createPgliteDataApi(pg, options);
  const mock = mockClient(client);
  mock.on(ExecuteStatementCommand).callsFake(api.executeStatement);
  mock.on(BatchExecuteStatementCommand).callsFake(api.batchExecuteStatement);
  mock.on(BeginTransactionCommand).callsFake(api.beginTransaction);
  mock.on(CommitTransactionCommand).callsFake(api.commitTransaction);
  mock.on(RollbackTransactionCommand).callsFake(api.rollbackTransaction);
  return {
    client,
    mock,
    executeInputs: () => mock.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input),
    pauseFor: api.pauseFor,
  };
}
