import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { ConnectionCredentials, SecretStore } from '../../ports/secret-store';
import { parseCredentials, serializeCredentials } from './credentials-json';

export interface SecretsManagerSecretStoreOptions {
  client: SecretsManagerClient;
  /** `CONNECTION_SECRET_PREFIX`, e.g. `eci/dev/connections/`; the IAM policy scopes access to it. */
  prefix: string;
}

/** Deleted credentials stay recoverable for a week (a mistaken DELETE can be undone). */
export const SECRET_RECOVERY_WINDOW_DAYS = 7;

/**
 * Connection credentials in Secrets Manager, one secret per connection named `<prefix><connectionId>`.
 * The secretRef handed back is the secret's ARN. Nothing here logs, and no error built here contains a
 * secret value (SDK errors do not echo SecretString either).
 */
export class SecretsManagerSecretStore implements SecretStore {
  private readonly client: SecretsManagerClient;
  private readonly prefix: string;

  constructor(options: SecretsManagerSecretStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix;
  }

  secretName(connectionId: string): string {
    return `${this.prefix}${connectionId}`;
  }

  async put(connectionId: string, credentials: ConnectionCredentials): Promise<string> {
    const name = this.secretName(connectionId);
    const secretString = serializeCredentials(credentials);
    try {
      const out = await this.client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: secretString,
          Description: `Trendyol API credentials of ECI connection ${connectionId}`,
        }),
      );
      return out.ARN ?? name;
    } catch (error) {
      if (error instanceof ResourceExistsException) return this.replace(name, secretString);
      // A secret scheduled for deletion still holds its name: bring it back, then overwrite it.
      if (error instanceof InvalidRequestException && /deletion/i.test(error.message)) {
        await this.client.send(new RestoreSecretCommand({ SecretId: name }));
        return this.replace(name, secretString);
      }
      throw error;
    }
  }

  async get(secretRef: string): Promise<ConnectionCredentials> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretRef }));
    return parseCredentials(secretRef, out.SecretString);
  }

  async delete(secretRef: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: secretRef, RecoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS }),
      );
    } catch (error) {
      // Already gone is what the caller wanted.
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
  }

  private async replace(name: string, secretString: string): Promise<string> {
    const out = await this.client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: secretString }),
    );
    return out.ARN ?? name;
  }
}
