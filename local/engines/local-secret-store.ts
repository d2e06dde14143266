import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  MalformedSecretError,
  toCredentials,
  validCredentials,
} from '../../lambdas/adapters/secrets/credentials-json';
import type { ConnectionCredentials, SecretStore } from '../../lambdas/ports/secret-store';

export interface LocalSecretStoreOptions {
  /** JSON file holding every connection's credentials, e.g. `<ECI_DATA_DIR>/secrets.json`. Omit for memory only. */
  filePath?: string;
}

const REF_PREFIX = 'local:';

/**
 * The secret store `npm start` uses: one JSON file, readable by its owner only (0600), replaced
 * atomically (temp file + rename) so a crash never leaves half-written credentials. Without a path it
 * keeps everything in memory. It never logs and its errors never contain secret values.
 */
export class LocalSecretStore implements SecretStore {
  private readonly filePath: string | undefined;
  private readonly memory = new Map<string, ConnectionCredentials>();
  // Operations run one after another so two writers in this process never lose each other's update.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalSecretStoreOptions = {}) {
    this.filePath = options.filePath;
  }

  put(connectionId: string, credentials: ConnectionCredentials): Promise<string> {
    const ref = `${REF_PREFIX}${connectionId}`;
    // Validated before anything is touched.
    const clean = validCredentials(credentials);
    return this.serial(async () => {
      const all = await this.load();
      all.set(ref, clean);
      await this.save(all);
      return ref;
    });
  }

  get(secretRef: string): Promise<ConnectionCredentials> {
    return this.serial(async () => {
      const found = (await this.load()).get(secretRef);
      if (!found) throw new Error(`secret ${secretRef} not found`);
      return found;
    });
  }

  delete(secretRef: string): Promise<void> {
    return this.serial(async () => {
      const all = await this.load();
      if (!all.delete(secretRef)) return;
      await this.save(all);
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Map<string, ConnectionCredentials>> {
    if (!this.filePath) return this.memory;
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MalformedSecretError(this.filePath, 'the file is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MalformedSecretError(this.filePath, 'expected an object keyed by secret ref');
    }
    const all = new Map<string, ConnectionCredentials>();
    for (const [ref, value] of Object.entries(parsed)) all.set(ref, toCredentials(ref, value));
    return all;
  }

  private async save(all: Map<string, ConnectionCredentials>): Promise<void> {
    if (!this.filePath) return;
    await mkdir(dirname(this.filePath), { recursive: true, mode: 0o700 });
    const temp = `${this.filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      // `wx`: a fresh file, so the 0600 mode applies (mode is ignored when a file already exists).
      await writeFile(temp, `${JSON.stringify(Object.fromEntries(all), null, 2)}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      // The umask can only remove bits, but be explicit: the file must never be group/world readable.
      await chmod(temp, 0o600);
      await rename(temp, this.filePath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
