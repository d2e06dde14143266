export {
  AwsServiceError,
  type EmulatorServer,
  startAwsJsonServer,
  startRestJsonServer,
} from './aws-protocol';
export { type RdsDataEmulator, startRdsDataEmulator } from './rds-data/server';
export { type SecretsManagerEmulatorOptions, startSecretsManagerEmulator } from './secrets-manager';
export {
  type EmulatedExecution,
  type EmulatedStateMachine,
  type StepFunctionsEmulator,
  startStepFunctionsEmulator,
  type TaskHandler,
} from './step-functions';
