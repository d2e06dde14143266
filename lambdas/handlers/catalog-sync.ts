import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import { runScheduledSync } from '../use-cases/catalog-sync';

/**
 * EventBridge schedule (rate per stage, `catalogSyncRateMinutes`): syncs every active connection's
 * catalog (autoSync on), re-sends failed and budget-deferred values, then reconciles drift.
 */
export const handler = lambdaEntry(async () => {
  const container = await getContainer();
  const { sync, drift } = await runScheduledSync(container);
  for (const report of sync) container.logger.info('catalog sync', { ...report });
  for (const report of drift) {
    if (report.checkedCount > 0 || report.stoppedBecause)
      container.logger.info('drift reconciliation', { ...report });
  }
  return { connections: sync.length, sync, drift };
});
