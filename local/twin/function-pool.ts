import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { HostReply, InvocationError } from './host-protocol';

/** One Lambda function as the template declares it, resolved for this machine. */
export interface TwinFunctionSpec {
  /** Logical id in the template, e.g. `PollBatchFunctionE664C5EF`. */
  logicalId: string;
  /** Local function name (what `Ref` gives) and ARN (what `Fn::GetAtt Arn` gives). */
  name: string;
  arn: string;
  /** The built asset directory the template's Code points at. */
  assetDir: string;
  /** The template's Handler, e.g. `index.handler`. */
  handler: string;
  /** Exactly the process environment: the template's variables, the runtime's reserved ones, endpoints. */
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

/** A failed invocation, carrying Lambda's errorType as its name (what Step Functions matches on). */
export class InvocationFailed extends Error {
  constructor(
    readonly functionName: string,
    readonly detail: InvocationError,
  ) {
    super(`${functionName}: ${detail.errorType}: ${detail.errorMessage}`);
    this.name = detail.errorType;
  }
}

interface Environment {
  child: ChildProcess;
  busy: boolean;
}

/**
 * The execution environments of one function: each a child process running the function's bundle
 * (./function-host.ts), handling one invocation at a time, as Lambda does. A new environment starts
 * when all are busy, up to `maxEnvironments`; further invocations wait. An invocation that outlives
 * the function's Timeout kills its environment (Lambda does the same) and fails with
 * `Sandbox.Timedout`. Output goes to `logFile` and the last lines are kept for error reports.
 */
export class LambdaFunctionPool {
  private readonly environments: Environment[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly log: WriteStream | undefined;
  private readonly recent: string[] = [];
  private nextId = 1;
  private stopped = false;
  invocations = 0;

  constructor(
    readonly spec: TwinFunctionSpec,
    private readonly options: { hostScript: string; maxEnvironments?: number; logFile?: string },
  ) {
    this.log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  }

  /** The last lines the function's environments wrote (stdout and stderr). */
  recentOutput(): string[] {
    return [...this.recent];
  }

  /** Invokes the function with `event`; resolves with its result, rejects with {@link InvocationFailed}. */
  async invoke(event: unknown): Promise<unknown> {
    this.invocations += 1;
    return this.exchange((id, deadline) => ({
      type: 'invoke',
      id,
      event,
      deadline,
      requestId: randomUUID(),
    }));
  }

  /**
   * Starts one environment and loads the bundle in it (Lambda's init phase: module code and the
   * handler export) without invoking the handler. Rejects with {@link InvocationFailed} when the
   * bundle cannot load, so the twin refuses to start with a function that could never run.
   */
  async load(): Promise<void> {
    await this.exchange((id) => ({ type: 'load', id }));
  }

  private async exchange(message: (id: number, deadline: number) => object): Promise<unknown> {
    if (this.stopped) throw new Error(`${this.spec.name}: the twin is stopping`);
    const environment = await this.acquire();
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const { child } = environment;
        const timer = setTimeout(() => {
          cleanup();
          child.kill('SIGKILL');
          reject(
            new InvocationFailed(this.spec.name, {
              errorType: 'Sandbox.Timedout',
              errorMessage: `Task timed out after ${this.spec.timeoutSeconds}.00 seconds`,
            }),
          );
        }, timeoutMs);
        const onMessage = (message: HostReply) => {
          if (message.id !== id) return;
          cleanup();
          if (message.type === 'result') resolve(message.result);
          else reject(new InvocationFailed(this.spec.name, message.error));
        };
        const onExit = (code: number | null, signal: string | null) => {
          cleanup();
          reject(
            new InvocationFailed(this.spec.name, {
              errorType: 'Runtime.ExitError',
              errorMessage: `RequestId: ${id} Error: Runtime exited (code ${code}, signal ${signal})`,
            }),
          );
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(message(id, Date.now() + timeoutMs));
      });
    } finally {
      this.release(environment);
    }
  }

  /** Stops every environment and waits for the processes to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      this.environments.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    this.environments.length = 0;
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      const idle = this.environments.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.length < (this.options.maxEnvironments ?? 2)) {
        const environment = { child: this.spawn(), busy: true };
        this.environments.push(environment);
        return environment;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(environment: Environment): void {
    environment.busy = false;
    const { child } = environment;
    if (child.exitCode !== null || child.signalCode !== null || child.killed) {
      this.environments.splice(this.environments.indexOf(environment), 1);
    }
    this.waiting.shift()?.();
  }

  private spawn(): ChildProcess {
    const { spec } = this;
    const child = fork(
      this.options.hostScript,
      [spec.assetDir, spec.handler, spec.name, String(spec.memoryMb)],
      {
        cwd: spec.assetDir,
        env: spec.env,
        execArgv: [],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    const capture = (chunk: Buffer) => {
      this.log?.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.recent.push(line);
        if (this.recent.length > 50) this.recent.shift();
      }
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    child.once('exit', () => {
      const index = this.environments.findIndex((e) => e.child === child);
      if (index !== -1 && !this.environments[index]?.busy) this.environments.splice(index, 1);
    });
    return child;
  }
}
