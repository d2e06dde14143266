import { describe, expect, it } from 'vitest';
import { runLoad } from '../../local/load/load';

// A short, bounded version of `npm run load` (3 clients for 3 s): concurrent pushes of distinct changes
// answer no 5xx, and at quiescence every job is terminal and every barcode holds the last value pushed.
describe('concurrent pushes (short load)', () => {
  it('no 5xx; every job terminal; every barcode at its last pushed value', async () => {
    const result = await runLoad({
      clients: 3,
      seconds: 3,
      intervalMs: 200,
      barcodesPerClient: 2,
      settleSeconds: 60,
    });
    expect(result.pushes).toBeGreaterThan(3);
    expect(result.serverErrors).toBe(0);
    expect(result.nonTerminalJobs).toBe(0);
    expect(result.jobs).toBe(result.pushes);
    expect(result.barcodes).toBe(6);
    expect(result.mismatchSample).toEqual([]);
    expect(result.trendyolUpdateRequests).toBeGreaterThanOrEqual(result.pushes);
    expect(result.ok).toBe(true);
  }, 120_000);
});
