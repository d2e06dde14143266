import { randomBytes } from 'node:crypto';

/**
 * Collision-resistant, time-ordered ids shaped like the seed's (`cmkcu0y9b0001e61wpzl1s331`):
 * 'c' + time (base 36) + a per-process counter + random, 25 characters. Sorting by id sorts by
 * creation time within a process, which keeps job listings readable.
 */
export function createIdGenerator(now: () => number = Date.now) {
  let counter = 0;
  const fingerprint = randomBytes(4).readUInt32BE(0).toString(36).padStart(4, '0').slice(0, 4);
  return {
    next(): string {
      counter = (counter + 1) % 36 ** 4;
      const time = now().toString(36).padStart(8, '0').slice(-8);
      const count = counter.toString(36).padStart(4, '0');
      const random = randomBytes(6).readUIntBE(0, 6).toString(36).padStart(8, '0').slice(-8);
      return `c${time}${count}${fingerprint}${random}`;
    },
  };
}
