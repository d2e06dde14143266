import '../polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { splitWaitOverrides } from '../runtime/local-confirmation-workflow';
import { AwsServiceError, type EmulatorServer, startAwsJsonServer } from './aws-protocol';

type Json = Parameters<StateMachine['run']>[0];
type Definition = ConstructorParameters<typeof StateMachine>[0];

/** A Task state's stand-in: receives the state's input, returns its result or throws its error. */
export type TaskHandler = (input: Json) => Promise<Json>;

export interface EmulatedStateMachine {
  /** The ARN StartExecution names (what the template gives a function as CONFIRMATION_STATE_MACHINE_ARN). */
  arn: string;
  /** The ASL document as deployed (intrinsics resolved), never a hand-written copy. */
  definition: Definition;
  /** Task state name → what runs it (the local process of the Lambda function the state names). */
  taskHandlers: Record<string, TaskHandler>;
}

/** One execution as DescribeExecution reports it. */
export interface EmulatedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

export interface StepFunctionsEmulator extends EmulatorServer {
  readonly executions: ReadonlyMap<string, EmulatedExecution>;
  /** Resolves once every execution started so far has ended. */
  drain(): Promise<void>;
  /** Stops running executions (Ctrl-C); they end ABORTED. */
  abortAll(): Promise<void>;
}

export interface StepFunctionsEmulatorOptions {
  stateMachines: EmulatedStateMachine[];
  /**
   * State name → ms, to shorten waits (tests): a Wait state's wait or a Task state's retry intervals;
   * the definition itself is unchanged.
   */
  waitOverridesMs?: Record<string, number>;
  port?: number;
  onExecutionEnded?: (execution: EmulatedExecution) => void;
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Step Functions over AWS JSON 1.0 (`X-Amz-Target: AWSStepFunctions.<Operation>`): StartExecution and
 * DescribeExecution, the two calls ECI makes, running each execution with aws-local-stepfunctions.
 * As on AWS (StartExecution API reference): an execution name is unique per state machine; starting
 * a name again while that execution runs with the same input returns it (idempotent), anything else
 * answers ExecutionAlreadyExists; an unknown ARN answers StateMachineDoesNotExist, a bad name
 * InvalidName, input that is not JSON InvalidExecutionInput.
 */
export async function startStepFunctionsEmulator(
  options: StepFunctionsEmulatorOptions,
): Promise<StepFunctionsEmulator> {
  const machines = new Map(
    options.stateMachines.map((m) => [
      m.arn,
      {
        ...m,
        machine: new StateMachine(m.definition, {
          validationOptions: { checkArn: false, checkPaths: false },
        }),
      },
    ]),
  );
  const executions = new Map<string, EmulatedExecution>();
  const running = new Map<string, { abort: () => void; done: Promise<void> }>();

  const startExecution = (input: Record<string, unknown>) => {
    const stateMachineArn = String(input.stateMachineArn ?? '');
    const target = machines.get(stateMachineArn);
    if (!target)
      throw new AwsServiceError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    const name = typeof input.name === 'string' ? input.name : crypto.randomUUID();
    if (!NAME_PATTERN.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = typeof input.input === 'string' ? input.input : '{}';
    let parsed: Json;
    try {
      parsed = JSON.parse(inputText) as Json;
    } catch {
      throw new AwsServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: EmulatedExecution = {
      executionArn,
      stateMachineArn,
      name,
      input: inputText,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
    };
    executions.set(executionArn, execution);
    const run = target.machine.run(parsed, {
      overrides: {
        taskResourceLocalHandlers: target.taskHandlers,
        ...(options.waitOverridesMs && splitWaitOverrides(target.definition, options.waitOverridesMs)),
      },
      noThrowOnAbort: true,
    });
    const failure = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type === 'ExecutionFailed') return { error: event.Error, cause: String(event.Cause ?? '') };
      }
      return undefined;
    })();
    const done = run.result
      .then((result) => {
        if (result === null) execution.status = 'ABORTED';
        else {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(result);
        }
      })
      .catch(async (error: Error) => {
        execution.status = 'FAILED';
        const logged = await failure.catch(() => undefined);
        execution.error = logged?.error ?? error.name;
        execution.cause = logged?.cause ?? error.message;
      })
      .finally(() => {
        execution.stopDate = Date.now() / 1000;
        running.delete(executionArn);
        options.onExecutionEnded?.(execution);
      });
    running.set(executionArn, { abort: run.abort, done });
    return { executionArn, startDate: execution.startDate };
  };

  const describeExecution = (input: Record<string, unknown>) => {
    const execution = executions.get(String(input.executionArn ?? ''));
    if (!execution)
      throw new AwsServiceError(
        'ExecutionDoesNotExist',
        `Execution Does Not Exist: '${String(input.executionArn)}'`,
      );
    return { ...execution };
  };

  const server = await startAwsJsonServer({
    targetPrefix: 'AWSStepFunctions',
    jsonVersion: '1.0',
    ...(options.port !== undefined && { port: options.port }),
    operations: { StartExecution: startExecution, DescribeExecution: describeExecution },
  });
  const drain = async () => {
    while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
  };
  return {
    ...server,
    executions,
    drain,
    abortAll: async () => {
      for (const run of running.values()) run.abort();
      await drain();
    },
  };
}
