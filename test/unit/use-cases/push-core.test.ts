import { describe, expect, it } from 'vitest';
import { parsePushRequest } from '../../../lambdas/domain/push-request';
import { ValidationError } from '../../../lambdas/domain/validation-error';
import { pushInventory } from '../../../lambdas/use-cases/push-inventory';
import { CONNECTION, memoryPorts } from './in-memory-ports';

type Ports = Awaited<ReturnType<typeof memoryPorts>>;

function push(p: Ports, items: unknown[]) {
  return pushInventory(p, parsePushRequest({ connectionId: CONNECTION.id, items }), {
    dryRun: false,
    force: false,
    forceWrite: true,
  });
}

describe('push: dedup claims', () => {
  it('claims each fresh chunk once without reading its record first, and decides a repeat against the claim’s winner', async () => {
    const p = await memoryPorts();
    let finds = 0;
    let claims = 0;
    const find = p.dedup.find.bind(p.dedup);
    const claim = p.dedup.claim.bind(p.dedup);
    p.dedup.find = async (...args) => {
      finds += 1;
      return find(...args);
    };
    p.dedup.claim = async (input) => {
      claims += 1;
      return claim(input);
    };
    const items = Array.from({ length: 2_500 }, (_, i) => ({ barcode: `B-${i}`, quantity: 1 }));
    const first = await push(p, items);
    expect(first.body.enqueuedCount).toBe(3);
    expect([claims, finds]).toEqual([3, 0]);
    // The same bodies again: every claim is lost to the live record and the chunks are duplicates.
    const again = await pushInventory(p, parsePushRequest({ connectionId: CONNECTION.id, items }), {
      dryRun: false,
      force: true,
      forceWrite: true,
    });
    expect(again.body.dedupCount).toBe(3);
    expect(again.body.jobs.map((j) => j.jobId)).toEqual(first.body.jobs.map((j) => j.jobId));
    expect(claims).toBe(6);
  });
});

describe('push: listPrice ≥ salePrice against the known value', () => {
  it('names the item by its position in the request (the occurrence coalescing kept)', async () => {
    const p = await memoryPorts();
    await push(p, [{ barcode: 'X', salePrice: 100, listPrice: 150 }]);
    const error = await push(p, [
      { barcode: 'X', salePrice: 120 },
      { barcode: 'A', quantity: 1 },
      { barcode: 'X', salePrice: 200 },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { path: 'items.2.salePrice', message: 'would leave listPrice below salePrice for barcode X' },
    ]);
  });
});
