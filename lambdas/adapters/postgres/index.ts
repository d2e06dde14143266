import type { CatalogRepository } from '../../ports/catalog';
import type { PushReadRepository } from '../../ports/push-reads';
import type { ConnectionRepository, InventoryRepository, JobRepository } from '../../ports/repositories';
import { PostgresCatalogRepository } from './catalog-repository';
import { PostgresConnectionRepository } from './connection-repository';
import type { Database } from './database';
import { PostgresInventoryRepository } from './inventory-repository';
import { PostgresJobRepository } from './job-repository';
import { PostgresPushReadRepository } from './push-read-repository';

export { PostgresCatalogRepository } from './catalog-repository';
export { PostgresConnectionRepository } from './connection-repository';
export { retryWhileResuming, withResumeRetry } from './data-api-retry';
export type { DataApiTarget, Database, DatabaseHandle } from './database';
export { createDataApiDatabase, defaultMigrationsFolder } from './database';
export { PostgresInventoryRepository } from './inventory-repository';
export { PostgresJobRepository } from './job-repository';
export { PostgresPushReadRepository } from './push-read-repository';

export interface PostgresRepositories {
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
  catalog: CatalogRepository;
  /** Read-only queries of the operator surfaces (push progress, lists, timelines). */
  pushReads: PushReadRepository;
}

export function createRepositories(db: Database): PostgresRepositories {
  return {
    connections: new PostgresConnectionRepository(db),
    jobs: new PostgresJobRepository(db),
    inventory: new PostgresInventoryRepository(db),
    catalog: new PostgresCatalogRepository(db),
    pushReads: new PostgresPushReadRepository(db),
  };
}
