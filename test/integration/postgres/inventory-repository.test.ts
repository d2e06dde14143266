import { createTestDatabase } from '../../support/test-database';
import { inventoryRepositoryContract } from './inventory-repository-contract';

// PGlite in memory, or node-postgres when DATABASE_URL is set (or as ECI_TEST_DB_DRIVER says).
inventoryRepositoryContract('the default driver', () => createTestDatabase());
