import { describe, expect, it } from 'vitest';
import { MISSING_ITEM_GRACE_MS, readBatchResult } from '../../../lambdas/domain/batch-settlement';
import { stateAfterSettlement } from '../../../lambdas/domain/connection-state';
import { confirmationOf, isSettledConfirmation } from '../../../lambdas/domain/job-confirmation';
import { proveItem, proveItems } from '../../../lambdas/domain/read-back-proof';

const T0 = new Date('2026-03-02T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('confirmationOf', () => {
  it('names the outcome a seller filters on from the item counts', () => {
    expect(confirmationOf({ confirmed: 3, failed: 0, unresolved: 0 })).toBe('confirmed');
    expect(confirmationOf({ confirmed: 2, failed: 1, unresolved: 0 })).toBe('partial');
    expect(confirmationOf({ confirmed: 2, failed: 0, unresolved: 1 })).toBe('partial');
    expect(confirmationOf({ confirmed: 0, failed: 2, unresolved: 1 })).toBe('failed');
    expect(confirmationOf({ confirmed: 0, failed: 0, unresolved: 2 })).toBe('unconfirmed');
  });

  it('treats only pending (and no confirmation) as open', () => {
    expect(isSettledConfirmation(null)).toBe(false);
    expect(isSettledConfirmation('pending')).toBe(false);
    expect(isSettledConfirmation('partial')).toBe(true);
  });
});

describe('readBatchResult', () => {
  const requested = ['A', 'B'];
  it('settles when every requested item is final, matching echoed barcodes without spaces', () => {
    const reading = readBatchResult({
      requested: ['AB12', 'C'],
      items: [
        { barcode: 'AB 12', status: 'SUCCESS' },
        { barcode: 'C', status: 'FAILED', failureReasons: ['locked'] },
        { barcode: 'NOT-ASKED', status: 'SUCCESS' },
      ],
      submittedAt: T0,
      now: later(1000),
    });
    expect(reading).toEqual({
      kind: 'settled',
      missing: [],
      results: [
        { barcode: 'AB12', status: 'SUCCESS', failureReasons: [] },
        { barcode: 'C', status: 'FAILED', failureReasons: ['locked'] },
      ],
    });
  });

  it('keeps final items while waiting for a missing one, then settles without it after the grace', () => {
    const items = [{ barcode: 'A', status: 'SUCCESS' }];
    const early = readBatchResult({ requested, items, submittedAt: T0, now: later(5000) });
    expect(early).toEqual({
      kind: 'pending',
      open: 1,
      results: [{ barcode: 'A', status: 'SUCCESS', failureReasons: [] }],
    });
    const graceOver = readBatchResult({
      requested,
      items,
      submittedAt: T0,
      now: later(MISSING_ITEM_GRACE_MS),
    });
    expect(graceOver).toMatchObject({ kind: 'settled', missing: ['B'] });
  });

  it('an empty or still-processing result is pending however long it takes', () => {
    expect(
      readBatchResult({ requested, items: [], submittedAt: T0, now: later(MISSING_ITEM_GRACE_MS * 10) }).kind,
    ).toBe('pending');
    expect(
      readBatchResult({
        requested,
        items: [
          { barcode: 'A', status: 'SUCCESS' },
          { barcode: 'B', status: 'IN_PROGRESS' },
        ],
        submittedAt: T0,
        now: later(MISSING_ITEM_GRACE_MS * 10),
      }).kind,
    ).toBe('pending');
  });
});

describe('what a read-back proves', () => {
  const item = { barcode: 'A', quantity: 5, salePrice: 11285 };
  it('live only when every field the item sets is the live value', () => {
    expect(proveItem(item, { barcode: 'A', quantity: 5, salePrice: 11285, listPrice: 99999 })).toBe('live');
    expect(proveItem(item, { barcode: 'A', quantity: 4, salePrice: 11285, listPrice: null })).toBe('differs');
    expect(proveItem(item, undefined)).toBe('absent');
    const split = proveItems(
      [item, { barcode: 'B', quantity: 1 }],
      [{ barcode: 'A', quantity: 5, salePrice: 11285, listPrice: null }],
    );
    expect(split.live.map((i) => i.barcode)).toEqual(['A']);
    expect(split.notLive.map((i) => i.barcode)).toEqual(['B']);
  });
});

describe('stateAfterSettlement', () => {
  it('shows partial failures as PARTIAL, never SUCCESS', () => {
    expect(
      stateAfterSettlement({
        confirmation: 'partial',
        counts: { confirmed: 1, failed: 1, unresolved: 0 },
        batchRequestId: 'b-1',
        firstFailure: { barcode: 'X', failureReasons: ['locked'] },
        now: T0,
      }),
    ).toEqual({
      lastStatus: 'PARTIAL',
      lastError: '1 item(s) failed in batch b-1, e.g. X: locked',
      lastSuccessAt: T0.toISOString(),
    });
    expect(
      stateAfterSettlement({
        confirmation: 'confirmed',
        counts: { confirmed: 1, failed: 0, unresolved: 0 },
        batchRequestId: 'b-1',
        now: T0,
      }),
    ).toEqual({ lastStatus: 'SUCCESS', lastError: null, lastSuccessAt: T0.toISOString() });
    expect(
      stateAfterSettlement({
        confirmation: 'unconfirmed',
        counts: { confirmed: 0, failed: 0, unresolved: 2 },
        batchRequestId: 'b-1',
        now: T0,
      }).lastStatus,
    ).toBe('FAILED');
  });
});
