import { describe, expect, it } from 'vitest';
import { envFlag } from '../../../lambdas/config/env-flag';

describe('envFlag', () => {
  it.each(['true', 'TRUE', 'True', '1', 'yes', 'YES', 'on', ' true ', '\tyes\n'])(
    'reads %j as on',
    (value) => {
      expect(envFlag(value)).toBe(true);
    },
  );

  it.each([undefined, '', ' ', 'false', '0', 'no', 'off', 'truthy', 'yes please', '2', 'y', 't'])(
    'reads %j as off',
    (value) => {
      expect(envFlag(value)).toBe(false);
    },
  );
});
