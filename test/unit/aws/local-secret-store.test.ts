import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedSecretError } from '../../../lambdas/adapters/secrets/credentials-json';
import { LocalSecretStore } from '../../../local/engines/local-secret-store';

const CREDS = { apiKey: 'key-123', apiSecret: 'very-secret-value' };

describe('LocalSecretStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eci-secrets-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through a 0600 file that a new instance can read', async () => {
    const filePath = join(dir, 'data', 'secrets.json');
    const store = new LocalSecretStore({ filePath });
    const ref = await store.put('conn-1', CREDS);
    await store.put('conn-2', { apiKey: 'k2', apiSecret: 's2' });
    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
    expect(await new LocalSecretStore({ filePath }).get(ref)).toEqual(CREDS);

    await store.put('conn-1', { apiKey: 'key-456', apiSecret: 'rotated' });
    expect(await store.get(ref)).toEqual({ apiKey: 'key-456', apiSecret: 'rotated' });
    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
    // Atomic replace leaves no temp files behind.
    expect(await readdir(join(dir, 'data'))).toEqual(['secrets.json']);

    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(/not found/);
    expect(JSON.parse(await readFile(filePath, 'utf8'))).not.toHaveProperty(ref);
  });

  it('concurrent puts from one instance all land', async () => {
    const filePath = join(dir, 'secrets.json');
    const store = new LocalSecretStore({ filePath });
    const refs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.put(`conn-${i}`, { apiKey: `k${i}`, apiSecret: `s${i}` })),
    );
    const reread = new LocalSecretStore({ filePath });
    for (const [i, ref] of refs.entries())
      expect(await reread.get(ref)).toEqual({ apiKey: `k${i}`, apiSecret: `s${i}` });
  });

  it('works in memory without a path', async () => {
    const store = new LocalSecretStore();
    const ref = await store.put('conn-1', CREDS);
    expect(await store.get(ref)).toEqual(CREDS);
    await store.delete(ref);
    await expect(store.get(ref)).rejects.toThrow(/not found/);
  });

  it('a corrupt file fails clearly without echoing its content', async () => {
    const filePath = join(dir, 'secrets.json');
    await writeFile(filePath, '{"local:conn-1": very-secret-value', { mode: 0o600 });
    const error = await new LocalSecretStore({ filePath }).get('local:conn-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedSecretError);
    expect(String(error)).not.toContain('very-secret-value');
  });
});
