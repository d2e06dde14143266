import { createTestDatabase } from '../../support/test-database';
import { repositoryContract } from './repository-contract';

// PGlite in memory, or node-postgres when DATABASE_URL is set (or as ECI_TEST_DB_DRIVER says).
repositoryContract('the default driver', () => createTestDatabase());
