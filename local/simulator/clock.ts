export interface SimClock {
  now(): Date;
}

// A clock tests and the proof script can move by hand; every time rule of the simulator reads it.
export interface ManualClock extends SimClock {
  advance(ms: number): void;
  set(at: Date | number): void;
}

export const systemClock: SimClock = { now: () => new Date() };

export function createManualClock(start: Date | number = Date.now()): ManualClock {
  let current = typeof start === 'number' ? start : start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = typeof at === 'number' ? at : at.getTime();
    },
  };
}

// Real time plus a movable offset: `npm run sim` runs on it so an out-of-process client can still jump
// past the 15-minute or 4-hour windows without waiting.
export function createOffsetClock(): ManualClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    set: (at) => {
      offset = (typeof at === 'number' ? at : at.getTime()) - Date.now();
    },
  };
}

export function isManualClock(clock: SimClock): clock is ManualClock {
  const candidate = clock as Partial<ManualClock>;
  return typeof candidate.advance === 'function' && typeof candidate.set === 'function';
}
