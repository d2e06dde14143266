import { composeReleaseScheduled } from '../composition/functions';
import { lambdaDeps, lambdaEntry } from '../composition/lambda-entry';
import { releaseScheduledJobs } from '../use-cases/release-scheduled';

const deps = lambdaDeps(composeReleaseScheduled);

/** Every minute: enqueue jobs whose 15-minute wait (revert or unknown outcome) is over. */
export const handler = lambdaEntry(deps, async () => {
  const d = await deps();
  const report = await releaseScheduledJobs(d);
  if (report.released.length + report.superseded.length + report.deferred.length > 0) {
    d.logger.info('scheduled jobs released', { ...report });
  }
  return report;
});
