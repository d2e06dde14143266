import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import { releaseScheduledJobs } from '../use-cases/release-scheduled';

/** Every minute: enqueue jobs whose 15-minute wait (revert or unknown outcome) is over. */
export const handler = lambdaEntry(async () => {
  const container = await getContainer();
  const report = await releaseScheduledJobs(container);
  if (report.released.length + report.superseded.length + report.deferred.length > 0) {
    container.logger.info('scheduled jobs released', { ...report });
  }
  return report;
});
