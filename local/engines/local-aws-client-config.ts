/** Client settings for a local engine: the real SDK, pointed at the emulator, with throwaway credentials. */
export interface LocalAwsClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function localAwsClientConfig(endpoint: string): LocalAwsClientConfig {
  return { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}
