import '../polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import type { ConfirmationInput, ConfirmationWorkflow } from '../../lambdas/ports/confirmation-workflow';

type Json = Parameters<StateMachine['run']>[0];
type Definition = ConstructorParameters<typeof StateMachine>[0];

export interface LocalExecution {
  name: string;
  input: ConfirmationInput;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  /** State transitions as Step Functions bills them: every state entered plus every retry. */
  transitions: number;
  startedAt: number;
  endedAt?: number;
  error?: string;
}

export interface LocalWorkflowOptions {
  /** The ASL synthesized from the CDK stack (never a hand-written copy). */
  definition: Definition;
  /** Task state name → the local Lambda handler it stands for. */
  taskHandlers: Record<string, (input: Json) => Promise<Json>>;
  /**
   * State name → milliseconds, to shorten waits in tests: a Wait state's wait, or every retry interval
   * of a Task state (the poll schedule is the PollBatch task's `Retry`); unset ones last as defined.
   */
  waitOverridesMs?: Record<string, number>;
  onExecutionEnded?: (execution: LocalExecution) => void;
}

/**
 * Runs the confirmation state machine with aws-local-stepfunctions, as StartExecution would on AWS:
 * one execution per batch, named after it, so starting twice is harmless.
 */
export class LocalConfirmationWorkflow implements ConfirmationWorkflow {
  private readonly machine: StateMachine;
  readonly executions = new Map<string, LocalExecution>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();

  constructor(private readonly options: LocalWorkflowOptions) {
    this.machine = new StateMachine(options.definition, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
  }

  async start(input: ConfirmationInput): Promise<void> {
    const name = `batch-${input.batchRequestId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
    if (this.executions.has(name)) return;
    const execution: LocalExecution = {
      name,
      input,
      status: 'RUNNING',
      transitions: 0,
      startedAt: Date.now(),
    };
    this.executions.set(name, execution);
    const run = this.machine.run(input as unknown as Json, {
      overrides: {
        taskResourceLocalHandlers: this.options.taskHandlers,
        ...(this.options.waitOverridesMs &&
          splitWaitOverrides(this.options.definition, this.options.waitOverridesMs)),
      },
      noThrowOnAbort: true,
    });
    const counting = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.transitions += 1;
      }
    })();
    const done = run.result
      .then((result) => {
        execution.status = result === null ? 'ABORTED' : 'SUCCEEDED';
      })
      .catch((error: Error) => {
        execution.status = 'FAILED';
        execution.error = error.message;
      })
      .then(() => counting.catch(() => undefined))
      .finally(() => {
        execution.endedAt = Date.now();
        this.running.delete(name);
        this.options.onExecutionEnded?.(execution);
      });
    this.running.set(name, { abort: run.abort, done });
  }

  /** Resolves once every execution started so far has ended. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops every running execution (Ctrl-C); their batches are polled again on demand. */
  async abortAll(): Promise<void> {
    for (const run of this.running.values()) run.abort();
    await this.drain();
  }
}

/**
 * aws-local-stepfunctions takes a Wait state's override as `waitTimeOverrides` and a Task state's
 * retry interval as `retryIntervalOverrides`: one map by state name is split by the state's type.
 */
export function splitWaitOverrides(
  definition: Definition,
  overrides: Readonly<Record<string, number>>,
): { waitTimeOverrides: Record<string, number>; retryIntervalOverrides: Record<string, number> } {
  const states = (definition as unknown as { States: Record<string, { Type?: string }> }).States;
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, ms] of Object.entries(overrides)) {
    if (states[name]?.Type === 'Task') retryIntervalOverrides[name] = ms;
    else waitTimeOverrides[name] = ms;
  }
  return { waitTimeOverrides, retryIntervalOverrides };
}
