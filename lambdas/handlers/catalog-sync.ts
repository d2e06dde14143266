import { composeCatalogSync } from '../composition/functions';
import { lambdaDeps, lambdaEntry } from '../composition/lambda-entry';
import { syncCatalog } from '../use-cases/catalog-sync';

const deps = lambdaDeps(composeCatalogSync);

/** EventBridge schedule (rate per stage): re-push values whose last send failed. */
export const handler = lambdaEntry(deps, async () => {
  const d = await deps();
  const reports = await syncCatalog(d);
  for (const report of reports) d.logger.info('catalog sync', { ...report });
  return { connections: reports.length, reports };
});
