import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MalformedSecretError } from '../../../lambdas/adapters/secrets/credentials-json';
import { SecretsManagerSecretStore } from '../../../lambdas/adapters/secrets/secrets-manager-secret-store';

const PREFIX = 'eci/dev/connections/';
const ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:eci/dev/connections/conn-1-AbCdEf';
const CREDS = { apiKey: 'key-123', apiSecret: 'very-secret-value' };

describe('SecretsManagerSecretStore', () => {
  const sm = mockClient(SecretsManagerClient);
  const store = new SecretsManagerSecretStore({ client: new SecretsManagerClient({}), prefix: PREFIX });

  beforeEach(() => sm.reset());

  it('creates a new secret named <prefix><connectionId> and returns its ARN', async () => {
    sm.on(CreateSecretCommand).resolves({ ARN, Name: `${PREFIX}conn-1` });
    expect(await store.put('conn-1', CREDS)).toBe(ARN);
    const [call] = sm.commandCalls(CreateSecretCommand);
    expect(call?.args[0].input).toMatchObject({
      Name: 'eci/dev/connections/conn-1',
      SecretString: JSON.stringify(CREDS),
    });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('puts a new value when the secret already exists', async () => {
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    sm.on(PutSecretValueCommand).resolves({ ARN });
    expect(await store.put('conn-1', CREDS)).toBe(ARN);
    expect(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'eci/dev/connections/conn-1',
      SecretString: JSON.stringify(CREDS),
    });
  });

  it('restores a secret scheduled for deletion, then puts the new value', async () => {
    sm.on(CreateSecretCommand).rejects(
      new InvalidRequestException({
        message:
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        $metadata: {},
      }),
    );
    sm.on(RestoreSecretCommand).resolves({ ARN });
    sm.on(PutSecretValueCommand).resolves({ ARN });
    expect(await store.put('conn-1', CREDS)).toBe(ARN);
    expect(sm.commandCalls(RestoreSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: 'eci/dev/connections/conn-1',
    });
  });

  it('rejects empty credentials without calling AWS', async () => {
    await expect(store.put('conn-1', { apiKey: '', apiSecret: 'x' })).rejects.toThrow(/apiKey/);
    expect(sm.calls()).toHaveLength(0);
  });

  it('gets and parses {apiKey, apiSecret}', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ ...CREDS, extra: 1 }) });
    expect(await store.get(ARN)).toEqual(CREDS);
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: ARN });
  });

  it.each([
    ['not JSON', 'very-secret-value'],
    ['wrong shape', JSON.stringify({ apiKey: 'key-123', secret: 'very-secret-value' })],
    ['not an object', JSON.stringify('very-secret-value')],
  ])('a malformed secret (%s) fails clearly without leaking its value', async (_label, secretString) => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: secretString });
    const error = await store.get(ARN).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MalformedSecretError);
    const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''} ${String((error as Error).cause)}`;
    expect(text).toContain(ARN);
    expect(text).not.toContain('very-secret-value');
  });

  it('a secret without a string value is malformed', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    await expect(store.get(ARN)).rejects.toThrow(MalformedSecretError);
  });

  it('deletes with a 7-day recovery window and ignores an already missing secret', async () => {
    sm.on(DeleteSecretCommand)
      .resolvesOnce({ ARN })
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await store.delete(ARN);
    await store.delete(ARN);
    expect(sm.commandCalls(DeleteSecretCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN, RecoveryWindowInDays: 7 },
      { SecretId: ARN, RecoveryWindowInDays: 7 },
    ]);
  });
});
