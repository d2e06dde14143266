import { describe, expect, it } from 'vitest';
import { decideDedup, type PriorSend, REVERT_MARGIN_MS } from '../../../lambdas/domain/dedup-decision';
import type { KnownValue } from '../../../lambdas/domain/diff';
import { DEDUP_WINDOW_MS, type InventoryItem } from '../../../lambdas/domain/inventory-item';

const T0 = new Date('2026-01-13T15:00:00.000Z');
const items: InventoryItem[] = [
  { barcode: 'A', salePrice: 1000 },
  { barcode: 'B', salePrice: 2000 },
];

function knownFor(barcode: string, jobId: string, salePrice = 1000): KnownValue {
  return { barcode, quantity: null, salePrice, listPrice: null, status: 'sent', jobId };
}

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

const prior: PriorSend = { jobId: 'job-A', createdAt: T0 };

describe('decideDedup', () => {
  it('uses a 15-minute window and a 30-second revert margin', () => {
    expect(DEDUP_WINDOW_MS).toBe(900_000);
    expect(REVERT_MARGIN_MS).toBe(30_000);
  });

  it('sends when no identical body was sent in the window', () => {
    expect(
      decideDedup({ prior: undefined, items, known: new Map(), now: at(1000), windowMs: DEDUP_WINDOW_MS }),
    ).toEqual({ kind: 'send' });
  });

  it('reports a duplicate with the prior jobId when every barcode is still as that job left it', () => {
    const known = new Map([
      ['A', knownFor('A', 'job-A')],
      ['B', knownFor('B', 'job-A', 2000)],
    ]);
    expect(decideDedup({ prior, items, known, now: at(60_000), windowMs: DEDUP_WINDOW_MS })).toEqual({
      kind: 'duplicate',
      jobId: 'job-A',
    });
  });

  it('treats A → B → A as a revert, released after window + margin from the first send', () => {
    // job-A sent A, job-B changed barcode B, and now the caller asks for A's body again.
    const known = new Map([
      ['A', knownFor('A', 'job-A')],
      ['B', knownFor('B', 'job-B', 2500)],
    ]);
    const decision = decideDedup({ prior, items, known, now: at(5 * 60_000), windowMs: DEDUP_WINDOW_MS });
    expect(decision).toEqual({
      kind: 'revert',
      previousJobId: 'job-A',
      deliverAfter: new Date('2026-01-13T15:15:30.000Z'),
    });
  });

  it('treats a barcode with no known value as untouched: a concurrent twin read it before the claim', () => {
    const known = new Map([['A', knownFor('A', 'job-A')]]);
    expect(decideDedup({ prior, items, known, now: at(1), windowMs: DEDUP_WINDOW_MS })).toEqual({
      kind: 'duplicate',
      jobId: 'job-A',
    });
  });

  it('a value recorded before the prior send is not a later change (identical push racing the claim)', () => {
    const older = { ...knownFor('A', 'job-0', 500), acceptedAt: at(-60_000).toISOString() };
    const known = new Map([['A', older]]);
    expect(
      decideDedup({
        prior,
        items: [items[0] as InventoryItem],
        known,
        now: at(5),
        windowMs: DEDUP_WINDOW_MS,
      }),
    ).toEqual({ kind: 'duplicate', jobId: 'job-A' });
    const later = { ...knownFor('A', 'job-B', 500), acceptedAt: at(1000).toISOString() };
    expect(
      decideDedup({
        prior,
        items: [items[0] as InventoryItem],
        known: new Map([['A', later]]),
        now: at(2000),
        windowMs: DEDUP_WINDOW_MS,
      }).kind,
    ).toBe('revert');
  });

  it('never answers duplicate for a value Trendyol is known not to hold (failed or overtaken)', () => {
    const known = new Map([['A', { ...knownFor('A', 'job-A'), status: 'failed' as const }]]);
    expect(
      decideDedup({
        prior,
        items: [items[0] as InventoryItem],
        known,
        now: at(60_000),
        windowMs: DEDUP_WINDOW_MS,
      }),
    ).toEqual({
      kind: 'revert',
      previousJobId: 'job-A',
      deliverAfter: at(DEDUP_WINDOW_MS + REVERT_MARGIN_MS),
    });
  });

  it('computes deliverAfter from the windowMs it is given', () => {
    const known = new Map([['A', knownFor('A', 'job-X')]]);
    expect(
      decideDedup({ prior, items: [{ barcode: 'A', quantity: 1 }], known, now: at(0), windowMs: 60_000 }),
    ).toEqual({ kind: 'revert', previousJobId: 'job-A', deliverAfter: at(60_000 + REVERT_MARGIN_MS) });
  });

  it('keeps a revert waiting until one millisecond before its release time', () => {
    const known = new Map([['A', knownFor('A', 'job-B')]]);
    const release = DEDUP_WINDOW_MS + REVERT_MARGIN_MS;
    const input = { prior, items: [items[0] as InventoryItem], known, windowMs: DEDUP_WINDOW_MS };
    expect(decideDedup({ ...input, now: at(release - 1) }).kind).toBe('revert');
  });

  it('sends a revert straight away once its window (plus margin) has passed', () => {
    const known = new Map([['A', knownFor('A', 'job-B')]]);
    const release = DEDUP_WINDOW_MS + REVERT_MARGIN_MS;
    const input = { prior, items: [items[0] as InventoryItem], known, windowMs: DEDUP_WINDOW_MS };
    expect(decideDedup({ ...input, now: at(release) })).toEqual({ kind: 'send' });
    expect(decideDedup({ ...input, now: at(release + 60_000) })).toEqual({ kind: 'send' });
  });
});
