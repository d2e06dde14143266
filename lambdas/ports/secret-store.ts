/** Trendyol API credentials of one connection. They leave the store only towards the Trendyol client. */
export interface ConnectionCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface SecretStore {
  /** Creates or replaces the credentials; returns the reference to keep on the connection. */
  put(connectionId: string, credentials: ConnectionCredentials): Promise<string>;
  get(secretRef: string): Promise<ConnectionCredentials>;
  delete(secretRef: string): Promise<void>;
}
