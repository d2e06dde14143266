import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/runtime/local-stack';

/**
 * An in-memory local stack on free ports that settles as fast as it can: writes enabled, the simulator
 * settling at once, the state machine's waits at 0 ms and the per-minute release out of the way (tests
 * that follow a push to its end: push tracking, the CLI, the status page). `extra` overrides any option.
 */
export function startFastStack(extra: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    writeEnabled: true,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
    releaseIntervalMs: 3_600_000,
    ...extra,
  });
}
