import { describe, expect, it } from 'vitest';
import {
  isBatchSettled,
  nextPollWaitSeconds,
  POLL_DEADLINE_MS,
  POLL_WAITS_SECONDS,
} from '../../../lambdas/domain/batch-settlement';

describe('isBatchSettled', () => {
  it('is settled only when every requested barcode has SUCCESS or FAILED', () => {
    expect(
      isBatchSettled(
        ['A', 'B'],
        [
          { barcode: 'A', status: 'SUCCESS' },
          { barcode: 'B', status: 'FAILED' },
        ],
      ),
    ).toBe(true);
  });

  it('is not settled while an item is missing (Trendyol lists nothing while processing)', () => {
    expect(isBatchSettled(['A', 'B'], [{ barcode: 'A', status: 'SUCCESS' }])).toBe(false);
    expect(isBatchSettled(['A'], [])).toBe(false);
  });

  it('is not settled while an item is IN_PROGRESS or has an unknown status', () => {
    expect(isBatchSettled(['A'], [{ barcode: 'A', status: 'IN_PROGRESS' }])).toBe(false);
    expect(isBatchSettled(['A'], [{ barcode: 'A', status: 'COMPLETED' }])).toBe(false);
  });

  it('ignores items the push did not ask for', () => {
    expect(
      isBatchSettled(
        ['A'],
        [
          { barcode: 'A', status: 'SUCCESS' },
          { barcode: 'Z', status: 'IN_PROGRESS' },
        ],
      ),
    ).toBe(true);
  });
});

describe('nextPollWaitSeconds', () => {
  const submitted = new Date('2026-11-26T10:00:00.000Z');
  const at = (ms: number) => new Date(submitted.getTime() + ms);

  it('backs off along the schedule, then holds the longest wait', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) =>
      nextPollWaitSeconds(attempt, submitted, at(60_000)),
    );
    expect(waits).toEqual([...POLL_WAITS_SECONDS, 900, 900]);
  });

  it('never waits past the polling deadline, which lies before the 4-hour result expiry', () => {
    expect(POLL_DEADLINE_MS).toBeLessThan(4 * 60 * 60 * 1000);
    expect(nextPollWaitSeconds(9, submitted, at(POLL_DEADLINE_MS - 100_000))).toBe(100);
    expect(nextPollWaitSeconds(9, submitted, at(POLL_DEADLINE_MS - 500))).toBe(1);
  });

  it('answers null once the deadline has passed, so the batch ends unconfirmed', () => {
    expect(nextPollWaitSeconds(3, submitted, at(POLL_DEADLINE_MS))).toBeNull();
    expect(nextPollWaitSeconds(3, submitted, at(POLL_DEADLINE_MS + 1))).toBeNull();
  });
});
