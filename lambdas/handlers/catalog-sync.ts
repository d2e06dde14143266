import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import { syncCatalog } from '../use-cases/catalog-sync';

/** EventBridge schedule (rate per stage): re-push values whose last send failed. */
export const handler = lambdaEntry(async () => {
  const container = await getContainer();
  const reports = await syncCatalog(container);
  for (const report of reports) container.logger.info('catalog sync', { ...report });
  return { connections: reports.length, reports };
});
