import { composeMigrate } from '../composition/functions';
import { composeNow } from '../composition/lambda-entry';

/**
 * Run by a CDK Trigger on every deploy whose bundle changed: applies the committed SQL migrations
 * through the Data API (retrying while a scaled-to-zero cluster resumes). A failure fails the deploy.
 */
export const handler = async () => {
  const { database } = composeNow(composeMigrate);
  try {
    await database.migrate();
    return { ok: true };
  } finally {
    await database.close();
  }
};
