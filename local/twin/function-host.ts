/**
 * The execution environment of one Lambda function in `npm run twin`: a Node process that loads the
 * function's BUILT bundle (the asset directory the template's Code points at) and calls its handler,
 * one invocation at a time, as the Lambda Node.js runtime does. It is compiled with esbuild to a
 * standalone .mjs at twin start and run with plain `node`, so nothing of the repository's TypeScript
 * (or tsx) is loaded next to the bundle: the process sees only the bundle and its environment.
 *
 * argv: <asset directory> <Handler, e.g. index.handler> <function name> <memory MB>
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostReply, InvokeMessage, LoadMessage } from './host-protocol';

// The bundles target the function's runtime (Node 24); this machine runs Node 20. Promise.withResolvers
// (Node 22) is the one newer built-in the bundled code may reach for, so the runtime gap is bridged
// here, outside the bundle, exactly as a newer runtime would provide it.
type Resolvers<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
const promiseCtor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
promiseCtor.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const [assetDir = '', handlerSpec = 'index.handler', functionName = 'function', memory = '512'] =
  process.argv.slice(2);
const dot = handlerSpec.lastIndexOf('.');
const moduleName = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;
let loaded: Promise<Handler> | undefined;

function loadHandler(): Promise<Handler> {
  loaded ??= (async () => {
    const file = ['.mjs', '.js', '.cjs']
      .map((ext) => path.join(assetDir, `${moduleName}${ext}`))
      .find((candidate) => existsSync(candidate));
    if (!file)
      throw Object.assign(new Error(`Cannot find module '${moduleName}'`), {
        name: 'Runtime.ImportModuleError',
      });
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const handler = module[exportName];
    if (typeof handler !== 'function') {
      throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
    return handler as Handler;
  })();
  return loaded;
}

function reply(message: HostReply): void {
  process.send?.(message);
}

function replyError(id: number, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  // What the runtime logs for a failed invocation (or init), so the function's log shows the cause.
  console.error(JSON.stringify({ level: 'ERROR', errorType: err.name, errorMessage: err.message }));
  reply({
    type: 'error',
    id,
    error: { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') },
  });
}

process.on('message', async (message: InvokeMessage | LoadMessage) => {
  if (message.type === 'load') {
    try {
      await loadHandler();
      reply({ type: 'result', id: message.id, result: null });
    } catch (error) {
      replyError(message.id, error);
    }
    return;
  }
  if (message.type !== 'invoke') return;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: memory,
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'twin',
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    const handler = await loadHandler();
    const result = await handler(message.event, context);
    reply({ type: 'result', id: message.id, result: result === undefined ? null : result });
  } catch (error) {
    replyError(message.id, error);
  }
});

// The twin went away (Ctrl-C, a crash): an environment never outlives its runtime.
process.on('disconnect', () => process.exit(0));
