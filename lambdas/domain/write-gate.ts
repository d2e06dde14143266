export interface WriteGateInput {
  dryRun: boolean;
  /** `forceWrite=1` on the push. */
  forceWriteParam: boolean;
  /** env `TRENDYOL_WRITE_ENABLED`. */
  writeEnabledEnv: boolean;
  /** env `TRENDYOL_FORCE_WRITE_ALLOWED`. */
  forceWriteAllowed: boolean;
}

export interface WriteGate extends WriteGateInput {
  forceWriteEffective: boolean;
  /** True only when the chunk will really be sent to Trendyol. */
  writeEnabled: boolean;
  /** Why nothing is sent, in the seed's words; absent when the chunk is sent. */
  note?: string;
}

export const DRY_RUN_NOTE = 'dryRun=1 → remote call skipped';
export const WRITES_DISABLED_NOTE =
  'writes disabled (TRENDYOL_WRITE_ENABLED=false and no allowed forceWrite=1) → remote call skipped';

/** The seed's gating: forceWriteEffective = writeEnabledEnv || (forceWriteParam && forceWriteAllowed). */
export function decideWriteGate(input: WriteGateInput): WriteGate {
  const forceWriteEffective = input.writeEnabledEnv || (input.forceWriteParam && input.forceWriteAllowed);
  const writeEnabled = !input.dryRun && forceWriteEffective;
  const note = input.dryRun ? DRY_RUN_NOTE : forceWriteEffective ? undefined : WRITES_DISABLED_NOTE;
  return { ...input, forceWriteEffective, writeEnabled, ...(note && { note }) };
}
