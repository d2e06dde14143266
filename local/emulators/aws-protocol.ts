import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, serverEndpoint } from '../engines/close-server';

/**
 * An error an emulator answers the way the AWS service does: the SDK v3 deserializers read the error
 * code from the `x-amzn-ErrorType` header (or `__type` in the body) and throw the exception class of
 * that name, so `error instanceof ResourceNotFoundException` works against the emulator as on AWS.
 */
export class AwsServiceError extends Error {
  constructor(
    /** The service's error code, e.g. `ResourceNotFoundException`, `ExecutionAlreadyExists`. */
    readonly code: string,
    message: string,
    /** HTTP status; AWS answers client errors with 400. */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** A running emulator: its endpoint (for `AWS_ENDPOINT_URL_<SERVICE>`) and how to stop it. */
export interface EmulatorServer {
  endpoint: string;
  server: Server;
  close(): Promise<void>;
}

export type JsonOperation = (input: Record<string, unknown>) => Promise<unknown> | unknown;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AwsServiceError('SerializationException', 'request body is not JSON');
  }
}

function sendError(response: ServerResponse, error: unknown, contentType: string): void {
  const known = error instanceof AwsServiceError;
  const code = known ? error.code : 'InternalFailure';
  const status = known ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  response.writeHead(status, { 'content-type': contentType, 'x-amzn-errortype': code });
  response.end(JSON.stringify({ __type: code, message }));
}

async function listen(server: Server, port: number): Promise<EmulatorServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { endpoint: serverEndpoint(server), server, close: () => closeServer(server) };
}

/**
 * Serves an AWS JSON protocol API (Secrets Manager: 1.1, Step Functions: 1.0): every call is
 * `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body; the answer is the
 * operation's JSON output, or an error as {@link AwsServiceError}. An unknown operation answers
 * `UnknownOperationException`, so a call ECI starts making without an emulator behind it fails loudly.
 */
export function startAwsJsonServer(options: {
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, JsonOperation>;
  port?: number;
}): Promise<EmulatorServer> {
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  const server = createServer(async (request, response) => {
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const [prefix, name] = target.split('.');
      const operation = prefix === options.targetPrefix && name ? options.operations[name] : undefined;
      if (request.method !== 'POST' || !operation) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `operation ${target || '(none)'} is not emulated`,
        );
      }
      const output = await operation(await readJson(request));
      response.writeHead(200, { 'content-type': contentType });
      response.end(JSON.stringify(output ?? {}));
    } catch (error) {
      sendError(response, error, contentType);
    }
  });
  return listen(server, options.port ?? 0);
}

/**
 * Serves a REST-JSON API (the RDS Data API): `POST /<Path>` with a JSON body, one handler per path;
 * errors as {@link AwsServiceError} (the error code travels in `x-amzn-ErrorType`).
 */
export function startRestJsonServer(options: {
  routes: Record<string, JsonOperation>;
  port?: number;
}): Promise<EmulatorServer> {
  const contentType = 'application/json';
  const server = createServer(async (request, response) => {
    try {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const operation = request.method === 'POST' ? options.routes[path] : undefined;
      if (!operation)
        throw new AwsServiceError('NotFoundException', `${request.method} ${path} is not emulated`, 404);
      const output = await operation(await readJson(request));
      response.writeHead(200, { 'content-type': contentType });
      response.end(JSON.stringify(output ?? {}));
    } catch (error) {
      sendError(response, error, contentType);
    }
  });
  return listen(server, options.port ?? 0);
}
