import { describe, expect, it } from 'vitest';
import {
  DRY_RUN_NOTE,
  decideWriteGate,
  WRITES_DISABLED_NOTE,
  type WriteGateInput,
} from '../../../lambdas/domain/write-gate';

const off: WriteGateInput = {
  dryRun: false,
  forceWriteParam: false,
  writeEnabledEnv: false,
  forceWriteAllowed: false,
};

describe('decideWriteGate', () => {
  it('uses the seed wording for both notes', () => {
    expect(DRY_RUN_NOTE).toBe('dryRun=1 → remote call skipped');
    expect(WRITES_DISABLED_NOTE).toBe(
      'writes disabled (TRENDYOL_WRITE_ENABLED=false and no allowed forceWrite=1) → remote call skipped',
    );
  });

  it('seed row 1: writes disabled in env, forceWrite=1 allowed → the chunk is really sent', () => {
    const input = { dryRun: false, forceWriteParam: true, writeEnabledEnv: false, forceWriteAllowed: true };
    const gate = decideWriteGate(input);
    expect(gate).toEqual({ ...input, forceWriteEffective: true, writeEnabled: true });
    expect(gate).not.toHaveProperty('note');
  });

  it('seed row 2: dryRun=1 → nothing sent, with the dry-run note', () => {
    const input = { dryRun: true, forceWriteParam: false, writeEnabledEnv: false, forceWriteAllowed: true };
    expect(decideWriteGate(input)).toEqual({
      ...input,
      forceWriteEffective: false,
      writeEnabled: false,
      note: 'dryRun=1 → remote call skipped',
    });
  });

  it('dryRun wins even when writes are effective', () => {
    const input = { dryRun: true, forceWriteParam: true, writeEnabledEnv: true, forceWriteAllowed: true };
    expect(decideWriteGate(input)).toEqual({
      ...input,
      forceWriteEffective: true,
      writeEnabled: false,
      note: DRY_RUN_NOTE,
    });
  });

  it('forceWrite=1 without permission does not write, and says why', () => {
    const input = { ...off, forceWriteParam: true };
    expect(decideWriteGate(input)).toEqual({
      ...input,
      forceWriteEffective: false,
      writeEnabled: false,
      note: WRITES_DISABLED_NOTE,
    });
  });

  it('permission alone (no forceWrite=1) does not write', () => {
    const gate = decideWriteGate({ ...off, forceWriteAllowed: true });
    expect(gate.forceWriteEffective).toBe(false);
    expect(gate.writeEnabled).toBe(false);
    expect(gate.note).toBe(WRITES_DISABLED_NOTE);
  });

  it('everything off does not write', () => {
    expect(decideWriteGate(off)).toEqual({
      ...off,
      forceWriteEffective: false,
      writeEnabled: false,
      note: WRITES_DISABLED_NOTE,
    });
  });

  it('TRENDYOL_WRITE_ENABLED=true writes without any forceWrite', () => {
    const input = { ...off, writeEnabledEnv: true };
    const gate = decideWriteGate(input);
    expect(gate).toEqual({ ...input, forceWriteEffective: true, writeEnabled: true });
    expect(gate).not.toHaveProperty('note');
  });
});
