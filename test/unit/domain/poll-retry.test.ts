import { describe, expect, it } from 'vitest';
import { POLL_DEADLINE_MS } from '../../../lambdas/domain/batch-settlement';
import {
  NEAR_DEADLINE_SECONDS,
  POLL_RETRIERS,
  POLL_SIGNALS,
  pendingSignal,
  pollNumberAt,
  retryWaitSeconds,
} from '../../../lambdas/domain/poll-retry';

const submittedAt = new Date('2025-01-01T00:00:00Z');
const at = (seconds: number) => new Date(submittedAt.getTime() + seconds * 1000);

describe('the poll retry schedule', () => {
  it('doubles from 10 s and stops growing at 15 minutes', () => {
    const [pending] = POLL_RETRIERS;
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryWaitSeconds(pending, n))).toEqual([
      10, 20, 40, 80, 160, 320, 640, 900, 900,
    ]);
  });

  it('signals the minute-by-minute retry only in the last 15 minutes before the deadline', () => {
    const deadline = POLL_DEADLINE_MS / 1000;
    expect(pendingSignal(submittedAt, at(5))).toBe(POLL_SIGNALS.pending);
    expect(pendingSignal(submittedAt, at(deadline - NEAR_DEADLINE_SECONDS))).toBe(POLL_SIGNALS.pending);
    expect(pendingSignal(submittedAt, at(deadline - NEAR_DEADLINE_SECONDS + 1))).toBe(
      POLL_SIGNALS.pendingNearDeadline,
    );
  });

  it('counts the polls the schedule has made by a given time', () => {
    expect(pollNumberAt(submittedAt, at(3))).toBe(1);
    expect(pollNumberAt(submittedAt, at(10))).toBe(2);
    expect(pollNumberAt(submittedAt, at(31))).toBe(3);
    expect(pollNumberAt(submittedAt, at(10 + 20 + 40))).toBe(4);
  });
});
