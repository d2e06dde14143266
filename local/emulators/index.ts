export {
  AwsServiceError,
  type EmulatorServer,
  startAwsJsonServer,
  startRestJsonServer,
} from './aws-protocol';
export { pgliteSession, type SqlSession } from './rds-data/engine';
export { nodePostgresSession } from './rds-data/node-postgres-session';
export { type RdsDataEmulator, startRdsDataEmulator } from './rds-data/server';
export { type SecretsManagerEmulatorOptions, startSecretsManagerEmulator } from './secrets-manager';
export {
  type EmulatedExecution,
  type EmulatedStateMachine,
  type StepFunctionsEmulator,
  startStepFunctionsEmulator,
  type TaskHandler,
} from './step-functions';
