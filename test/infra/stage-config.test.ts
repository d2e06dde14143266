import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES, validateStageConfig } from '../../lib/config/stage-config.js';
import { stackNames } from '../../lib/eci-app.js';

describe('stage config', () => {
  it('knows dev and prod', () => {
    expect(STAGE_NAMES).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(getStageConfig('dev').dbMinCapacity).toBe(0);
    expect(getStageConfig('prod').deletionProtection).toBe(true);
    expect(getStageConfig('prod').pitr).toBe(true);
    expect(getStageConfig('prod').allowCustomBaseUrl).toBe(false);
    expect(getStageConfig('dev').allowCustomBaseUrl).toBe(true);
  });

  it('rejects a missing or unknown stage with the list of known ones', () => {
    expect(() => getStageConfig(undefined)).toThrow(/Missing stage: pass -c stage=<dev\|prod>/);
    expect(() => getStageConfig('')).toThrow(/Missing stage/);
    expect(() => getStageConfig('staging')).toThrow('Unknown stage "staging": expected one of dev, prod');
    expect(() => getStageConfig('toString')).toThrow(/Unknown stage/);
  });

  it('rejects values AWS would refuse at deploy time', () => {
    const dev = getStageConfig('dev');
    expect(() => validateStageConfig({ ...dev, consumerMaxConcurrency: 1 })).toThrow(
      /consumerMaxConcurrency/,
    );
    expect(() => validateStageConfig({ ...dev, dbMinCapacity: 4, dbMaxCapacity: 2 })).toThrow(
      /dbMaxCapacity/,
    );
    expect(() => validateStageConfig({ ...dev, dbMinCapacity: 0.3 })).toThrow(/multiple of 0.5/);
    expect(() => validateStageConfig({ ...dev, catalogSyncRateMinutes: 0 })).toThrow(
      /catalogSyncRateMinutes/,
    );
    expect(() => validateStageConfig({ ...dev, account: '123' })).toThrow(/account/);
    expect(() => validateStageConfig({ ...dev, name: 'Bad Name' })).toThrow(/name/);
  });

  it('names the stacks per stage', () => {
    expect(stackNames('dev')).toEqual({ stateful: 'Eci-dev-Stateful', service: 'Eci-dev-Service' });
  });
});
