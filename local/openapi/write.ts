/**
 * `npm run openapi`: rewrites docs/openapi.json from the route table (request-schemas.ts ROUTES).
 * test/unit/openapi.test.ts fails when the committed copy differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiText } from '../../lambdas/handlers/http/openapi';

export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

writeFileSync(OPENAPI_FILE, openApiText());
console.log(`wrote ${OPENAPI_FILE}`);
