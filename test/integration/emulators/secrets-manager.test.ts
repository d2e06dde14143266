import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretsManagerSecretStore } from '../../../lambdas/adapters/secrets/secrets-manager-secret-store';
import { startSecretsManagerEmulator } from '../../../local/emulators';
import { localAwsClientConfig } from '../../../local/engines';

// The emulator `npm run twin` points AWS_ENDPOINT_URL_SECRETS_MANAGER at, driven by the real SDK
// client through ECI's own adapter, so what the adapter relies on (error classes, ARNs) is checked.
const dir = mkdtempSync(path.join(tmpdir(), 'eci-sm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const credentials = { apiKey: 'key-1', apiSecret: 'secret-1' };

describe('Secrets Manager emulator, through the real SDK client', () => {
  it('stores, replaces, deletes and restores connection credentials as the adapter expects', async () => {
    const emulator = await startSecretsManagerEmulator();
    const client = new SecretsManagerClient(localAwsClientConfig(emulator.endpoint));
    try {
      const store = new SecretsManagerSecretStore({ client, prefix: 'eci/dev/connections/' });
      const arn = await store.put('conn-1', credentials);
      expect(arn).toMatch(
        /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:eci\/dev\/connections\/conn-1-\w{6}$/,
      );
      expect(await store.get(arn)).toEqual(credentials);

      // A second put for the same connection hits ResourceExistsException and overwrites the value.
      await expect(
        client.send(new CreateSecretCommand({ Name: 'eci/dev/connections/conn-1', SecretString: '{}' })),
      ).rejects.toBeInstanceOf(ResourceExistsException);
      expect(await store.put('conn-1', { apiKey: 'key-2', apiSecret: 'secret-2' })).toBe(arn);
      expect(await store.get('eci/dev/connections/conn-1')).toEqual({
        apiKey: 'key-2',
        apiSecret: 'secret-2',
      });

      // Deleted with a recovery window: unreadable, its name still taken, and put brings it back.
      await store.delete(arn);
      await expect(client.send(new GetSecretValueCommand({ SecretId: arn }))).rejects.toBeInstanceOf(
        InvalidRequestException,
      );
      expect(await store.put('conn-1', credentials)).toBe(arn);
      expect(await store.get(arn)).toEqual(credentials);

      await expect(
        client.send(new GetSecretValueCommand({ SecretId: 'eci/dev/connections/nope' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(
        client.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 3 })),
      ).rejects.toThrow(/between 7 and 30/);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });

  it('keeps secrets in a 0600 file across restarts when given one', async () => {
    const filePath = path.join(dir, 'secrets.json');
    const first = await startSecretsManagerEmulator({ filePath });
    const firstClient = new SecretsManagerClient(localAwsClientConfig(first.endpoint));
    const arn = await new SecretsManagerSecretStore({ client: firstClient, prefix: 'p/' }).put(
      'c',
      credentials,
    );
    firstClient.destroy();
    await first.close();
    expect(statSync(filePath).mode & 0o777).toBe(0o600);

    const second = await startSecretsManagerEmulator({ filePath });
    const client = new SecretsManagerClient(localAwsClientConfig(second.endpoint));
    try {
      expect(await new SecretsManagerSecretStore({ client, prefix: 'p/' }).get(arn)).toEqual(credentials);
    } finally {
      client.destroy();
      await second.close();
    }
  });
});
