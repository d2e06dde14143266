import { defineConfig } from 'drizzle-kit';

// Migrations are generated offline and committed: drizzle-kit push does not work over the Data API,
// so every environment applies the same SQL files through its driver's migrator.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lambdas/adapters/postgres/schema.ts',
  out: './lambdas/adapters/postgres/migrations',
});
