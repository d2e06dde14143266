import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../local/cli/main';
import { DEMO_SELLER, type LocalStack } from '../../local/runtime/local-stack';
import { startFastStack } from '../support/fast-stack';
import { apiClient } from '../support/local-stack-client';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
const dir = mkdtempSync(join(tmpdir(), 'eci-cli-'));

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function eci(...args: string[]) {
  const out = capture();
  const err = capture();
  const code = await runCli(args, {
    stdout: out.stream,
    stderr: err.stream,
    env: { ECI_API_URL: stack.apiUrl, ECI_API_KEY: stack.apiKey },
    pollIntervalMs: 50,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

beforeAll(async () => {
  stack = await startFastStack();
  api = apiClient(stack);
  stack.simulator.setProduct(DEMO_SELLER.sellerId, { barcode: 'CLI-LOCKED', locked: true });
});

afterAll(async () => {
  await stack?.stop();
});

describe('eci push --watch against the local stack', () => {
  it('pushes a 2,500-row CSV, follows it and prints a summary equal to GET /v1/pushes/:id', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => `CLI-${i},${i % 50},${100 + (i % 7)}.50,200`);
    // One barcode the simulator refuses (like Trendyol for a locked product): the push exits 1.
    rows.push('CLI-LOCKED,1,10,10');
    const file = join(dir, 'stock.csv');
    writeFileSync(file, `barcode,quantity,salePrice,listPrice\n${rows.join('\n')}\n`);

    const run = await eci('push', file, '--connection', stack.demoConnectionId, '--watch');
    expect(run.stderr).not.toContain('eci:');
    expect(run.code).toBe(1);
    const pushId = /push (\S+): 2501 items/.exec(run.stdout)?.[1];
    expect(pushId).toBeDefined();

    const { body } = await api.get<{
      items: Record<string, number>;
      counts: Record<string, number>;
      chunkCount: number;
    }>(`/v1/pushes/${pushId}`);
    expect(body.chunkCount).toBe(3);
    expect(body.items).toMatchObject({ total: 2_501, confirmed: 2_500, failed: 1 });
    for (const key of ['confirmed', 'failed', 'held', 'scheduled', 'pending']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${key} +${body.items[key]}$`, 'm'));
    }
    expect(run.stdout).toContain('CLI-LOCKED: Ürün kilitli olduğu için güncellenemez');

    const state = await eci('state', stack.demoConnectionId, 'CLI-7');
    expect(state.code).toBe(0);
    expect(JSON.parse(state.stdout)).toMatchObject({
      items: [{ barcode: 'CLI-7', confirmed: { quantity: 7, salePrice: 100.5, listPrice: 200 } }],
    });
  });

  it('a clean push exits 0; an unchanged re-push has nothing to follow', async () => {
    const file = join(dir, 'small.json');
    writeFileSync(file, JSON.stringify({ items: [{ barcode: 'CLI-J1', quantity: 3 }] }));
    const first = await eci('push', file, '--connection', stack.demoConnectionId, '--watch');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^ {2}confirmed +1$/m);
    const again = await eci('push', file, '--connection', stack.demoConnectionId, '--watch');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to follow');
  });

  it('status lists connections; an API refusal is exit code 1 with its message', async () => {
    const status = await eci('status');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: stack.demoConnectionId })]),
    );
    const missing = await eci('status', 'no-such-connection');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404 CONNECTION_NOT_FOUND/);
  });

  // Review finding: `eci sync` posted a body the route refuses (400 "takes no body").
  it('sync pushes what the catalog changed', async () => {
    const put = await api.call('PUT', '/v1/catalog/variants', {
      body: { connectionId: stack.demoConnectionId, variants: [{ barcode: 'CLI-CAT-1', quantity: 6 }] },
    });
    expect(put.status).toBe(200);
    const sync = await eci('sync', stack.demoConnectionId);
    expect(sync.code).toBe(0);
    // The catalog row, plus the value whose send failed earlier in this file (CLI-BAD), sent again.
    expect(JSON.parse(sync.stdout)).toMatchObject({
      ok: true,
      catalogCount: 1,
      retriedCount: 1,
      changedCount: 2,
    });
  });
});

describe('the eci bin (node bin/eci.js, what npx eci runs)', () => {
  it('names the line of a bad CSV row, sends nothing and exits 2', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'barcode,quantity,salePrice,listPrice\nA-1,1,10,12\nA-2,1,12;50,13\n');
    const run = promisify(execFile)('node', ['bin/eci.js', 'push', file, '--connection', 'c1'], {
      env: { ...process.env, ECI_API_URL: 'http://127.0.0.1:9', ECI_API_KEY: 'k' },
    });
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('line 3: salePrice "12;50" is not a price'),
    });
  });
});
