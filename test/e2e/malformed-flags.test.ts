import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

// On a stack where writes to Trendyol are enabled, a misspelt or malformed flag must be refused, never
// read as "off": before the strict edge, `?dryrun=1` was ignored and the values were sent for real.

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    writeEnabled: true,
    forceWriteAllowed: true,
    simulatorProcessingDelayMs: 0,
  });
  api = apiClient(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const updates = () => stack.simulator.requests.filter((r) => r.path.includes('price-and-inventory'));

const MALFORMED: Array<[query: string, names: string]> = [
  ['?dryrun=1', 'dryrun'],
  ['?dryRun=on', 'dryRun'],
  ['?dryRun=', 'dryRun'],
  ['?dry_run=1', 'dry_run'],
  ['?dryRun=1&dryRun=0', 'dryRun'],
  ['?dryRun=0&dryRun=1', 'dryRun'],
  ['?dryRun=TRUE', 'dryRun'],
  ['?dryRun=yes', 'dryRun'],
  ['?dryRun=%001', 'dryRun'],
  ['?DryRun=1', 'DryRun'],
  ['?force=on', 'force'],
  ['?force=', 'force'],
  ['?Force=1', 'Force'],
  ['?force=1&force=0', 'force'],
  ['?forcewrite=1', 'forcewrite'],
  ['?forceWrite=on', 'forceWrite'],
  ['?forceWrite=', 'forceWrite'],
  ['?force_write=1', 'force_write'],
  ['?forceWrite=1&forceWrite=0', 'forceWrite'],
  ['?dryRun=1&dryrun=1', 'dryrun'],
];

describe('a malformed flag never writes to Trendyol (writes enabled)', () => {
  it.each(MALFORMED)('%s is a 400 naming %s', async (query, name) => {
    const res = await api.push(stack.demoConnectionId, [{ barcode: `FLAG-${name}`, quantity: 3 }], query);
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; message: string; details: Array<{ path: string }> } })
      .error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.path)).toContain(`query.${name}`);
  });

  it('after all of them: no job, nothing queued, and the simulator received no update', async () => {
    await stack.settle();
    expect(updates()).toEqual([]);
    expect(await stack.container.jobs.latestForConnection(stack.demoConnectionId)).toBeUndefined();
  });

  it('a well-formed dry run is accepted and still sends nothing; a plain push does send (the test can fail)', async () => {
    const dry = await api.push(stack.demoConnectionId, [{ barcode: 'FLAG-OK', quantity: 4 }], '?dryRun=true');
    expect(dry.status).toBe(202);
    await stack.settle();
    expect(updates()).toEqual([]);
    const live = await api.push(stack.demoConnectionId, [{ barcode: 'FLAG-OK', quantity: 4 }], '?dryRun=0');
    expect(live.status).toBe(202);
    await stack.settle();
    expect(updates()).toHaveLength(1);
  });
});
