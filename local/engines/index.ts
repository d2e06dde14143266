export { closeServer, serverEndpoint } from './close-server';
export {
  ensureShortLivedTable,
  type LocalDynamo,
  SHORT_LIVED_TTL_ATTRIBUTE,
  startDynalite,
} from './dynalite';
export { type LocalAwsClientConfig, localAwsClientConfig } from './local-aws-client-config';
export {
  LOCAL_SQS_ACCOUNT_ID,
  type LocalSqs,
  type LocalSqsOptions,
  PUSH_DLQ_NAME,
  PUSH_QUEUE_NAME,
  startLocalSqs,
} from './local-sqs';
