/** Every time-based rule (15-minute window, 4-hour expiry, rate windows, schedules) reads this. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
