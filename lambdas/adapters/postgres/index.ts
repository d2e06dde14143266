import type { ConnectionRepository, InventoryRepository, JobRepository } from '../../ports/repositories';
import { PostgresConnectionRepository } from './connection-repository';
import type { Database } from './database';
import { PostgresInventoryRepository } from './inventory-repository';
import { PostgresJobRepository } from './job-repository';

export { PostgresConnectionRepository } from './connection-repository';
export { retryWhileResuming, withResumeRetry } from './data-api-retry';
export type { DataApiTarget, Database, DatabaseHandle } from './database';
export { createDataApiDatabase, defaultMigrationsFolder } from './database';
export { PostgresInventoryRepository } from './inventory-repository';
export { PostgresJobRepository } from './job-repository';

export interface PostgresRepositories {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
}

export function createRepositories(db: Database): PostgresRepositories {
  return {
    connections: new PostgresConnectionRepository(db),
    jobs: new PostgresJobRepository(db),
    inventory: new PostgresInventoryRepository(db),
  };
}
