import { defineConfig } from 'vitest/config';

// Four projects mirror the test taxonomy in README: unit (pure, no I/O), integration (real engines:
// PGlite or PostgreSQL, dynalite, local-aws-sqs, the synthesized state machine), infra (CDK
// assertions) and e2e (the whole local stack over HTTP).
export default defineConfig({
  test: {
    setupFiles: ['./test/setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
