export {
  CONTRACTS,
  type ConfigOf,
  ConfigurationError,
  FUNCTION_NAMES,
  type FunctionContract,
  type FunctionName,
  readConfig,
} from './contracts';
export { envFlag } from './env-flag';
export { ENV, type EnvName } from './env-names';
export * from './shared';
