import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AwsServiceError, type EmulatorServer, startAwsJsonServer } from './aws-protocol';

/** One stored secret; only the current version (AWSCURRENT) is kept, which is all ECI ever reads. */
interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  secretString: string;
  versionId: string;
  createdDate: number;
  /** Epoch seconds the secret is scheduled to be deleted at; set by DeleteSecret with a recovery window. */
  deletionDate?: number;
}

export interface SecretsManagerEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /** JSON file (mode 0600) that keeps the secrets across restarts; unset keeps them in memory. */
  filePath?: string;
  /** Injectable clock for deletion dates, epoch ms. @default Date.now */
  now?: () => number;
}

const MARKED_FOR_DELETION =
  "You can't perform this operation on the secret because it was marked for deletion.";

/**
 * Secrets Manager over AWS JSON 1.1 (`X-Amz-Target: secretsmanager.<Operation>`), exactly the
 * operations ECI's SecretsManagerSecretStore calls and its IAM policy allows: CreateSecret,
 * GetSecretValue, PutSecretValue, DescribeSecret, DeleteSecret (with a 7–30 day recovery window or
 * ForceDeleteWithoutRecovery) and RestoreSecret. Secrets are addressed by name or by ARN; an ARN ends
 * in `-` plus 6 random characters, as on AWS. The error codes are the service's
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html and each
 * operation's page): ResourceNotFoundException, ResourceExistsException, InvalidRequestException
 * (a secret scheduled for deletion), InvalidParameterException.
 */
export async function startSecretsManagerEmulator(
  options: SecretsManagerEmulatorOptions = {},
): Promise<EmulatorServer> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const now = options.now ?? Date.now;
  const secrets = new Map<string, StoredSecret>();
  if (options.filePath && existsSync(options.filePath)) {
    for (const secret of JSON.parse(readFileSync(options.filePath, 'utf8')) as StoredSecret[]) {
      secrets.set(secret.name, secret);
    }
  }
  const save = () => {
    if (!options.filePath) return;
    const temp = `${options.filePath}.tmp`;
    writeFileSync(temp, JSON.stringify([...secrets.values()]), { mode: 0o600 });
    renameSync(temp, options.filePath);
  };

  const find = (secretId: unknown): StoredSecret => {
    if (typeof secretId !== 'string' || secretId === '') {
      throw new AwsServiceError('InvalidParameterException', 'SecretId is required.');
    }
    const secret = secretId.startsWith('arn:')
      ? [...secrets.values()].find((s) => s.arn === secretId)
      : secrets.get(secretId);
    if (!secret)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return secret;
  };
  const live = (secretId: unknown): StoredSecret => {
    const secret = find(secretId);
    if (secret.deletionDate !== undefined)
      throw new AwsServiceError('InvalidRequestException', MARKED_FOR_DELETION);
    return secret;
  };
  const secretString = (input: Record<string, unknown>): string => {
    if (typeof input.SecretString !== 'string') {
      // ECI stores credentials as a JSON string; SecretBinary is not emulated.
      throw new AwsServiceError('InvalidParameterException', 'SecretString is required.');
    }
    return input.SecretString;
  };

  return startAwsJsonServer({
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    ...(options.port !== undefined && { port: options.port }),
    operations: {
      CreateSecret: (input) => {
        const name = input.Name;
        if (typeof name !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
          throw new AwsServiceError(
            'InvalidParameterException',
            'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
          );
        }
        const existing = secrets.get(name);
        if (existing?.deletionDate !== undefined) {
          throw new AwsServiceError(
            'InvalidRequestException',
            "You can't create this secret because a secret with this name is already scheduled for deletion.",
          );
        }
        if (existing)
          throw new AwsServiceError(
            'ResourceExistsException',
            `The operation failed because the secret ${name} already exists.`,
          );
        const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
        const secret: StoredSecret = {
          arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`,
          name,
          secretString: secretString(input),
          versionId: randomUUID(),
          createdDate: now() / 1000,
          ...(typeof input.Description === 'string' && { description: input.Description }),
        };
        secrets.set(name, secret);
        save();
        return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
      },
      GetSecretValue: (input) => {
        const secret = live(input.SecretId);
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          SecretString: secret.secretString,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: secret.createdDate,
        };
      },
      PutSecretValue: (input) => {
        const secret = live(input.SecretId);
        secret.secretString = secretString(input);
        secret.versionId = randomUUID();
        save();
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          VersionStages: ['AWSCURRENT'],
        };
      },
      DescribeSecret: (input) => {
        const secret = find(input.SecretId);
        return {
          ARN: secret.arn,
          Name: secret.name,
          ...(secret.description !== undefined && { Description: secret.description }),
          CreatedDate: secret.createdDate,
          ...(secret.deletionDate !== undefined && { DeletedDate: secret.deletionDate }),
        };
      },
      DeleteSecret: (input) => {
        const secret = live(input.SecretId);
        const force = input.ForceDeleteWithoutRecovery === true;
        const windowDays = input.RecoveryWindowInDays;
        if (force && windowDays !== undefined) {
          throw new AwsServiceError(
            'InvalidParameterException',
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
          );
        }
        const days = windowDays === undefined ? 30 : Number(windowDays);
        if (!force && !(Number.isInteger(days) && days >= 7 && days <= 30)) {
          throw new AwsServiceError(
            'InvalidParameterException',
            'RecoveryWindowInDays must be between 7 and 30 days.',
          );
        }
        const deletionDate = force ? now() / 1000 : now() / 1000 + days * 86_400;
        if (force) secrets.delete(secret.name);
        else secret.deletionDate = deletionDate;
        save();
        return { ARN: secret.arn, Name: secret.name, DeletionDate: deletionDate };
      },
      RestoreSecret: (input) => {
        const secret = find(input.SecretId);
        delete secret.deletionDate;
        save();
        return { ARN: secret.arn, Name: secret.name };
      },
    },
  });
}
