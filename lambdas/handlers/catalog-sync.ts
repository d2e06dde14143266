import { composeCatalogSync } from '../composition/functions';
import { lambdaDeps, lambdaEntry } from '../composition/lambda-entry';
import { runScheduledSync } from '../use-cases/catalog-sync';

const deps = lambdaDeps(composeCatalogSync);

/**
 * EventBridge schedule (rate per stage, `catalogSyncRateMinutes`): syncs every active connection's
 * catalog (autoSync on), re-sends failed and budget-deferred values, then reconciles drift.
 */
export const handler = lambdaEntry(deps, async () => {
  const d = await deps();
  const { sync, drift } = await runScheduledSync(d);
  for (const report of sync) d.logger.info('catalog sync', { ...report });
  for (const report of drift) {
    if (report.checkedCount > 0 || report.stoppedBecause)
      d.logger.info('drift reconciliation', { ...report });
  }
  return { connections: sync.length, sync, drift };
});
