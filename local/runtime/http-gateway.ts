import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway refuses bodies over 10 MB before the function runs; the gateway stand-in does too. */
const GATEWAY_BODY_LIMIT = 10 * 1024 * 1024;

export function lambdaContext(functionName: string): Context {
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_BODY_LIMIT) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Turns a node:http request into the REST API (v1) proxy event API Gateway would send. */
export function toProxyEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[key] = values.join(',');
    multiValueHeaders[key] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    query[key] = value;
    multiQuery[key] = [...(multiQuery[key] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      httpMethod: request.method ?? 'GET',
      path: url.pathname,
      stage: 'local',
      requestTimeEpoch: Date.now(),
    } as APIGatewayProxyEvent['requestContext'],
  };
}

export async function startHttpGateway(options: {
  port: number;
  host?: string;
  handler: ProxyHandler;
  /** Where a handler's exception goes (default: stderr). It is never sent to the client. */
  onError?: (error: unknown) => void;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      if (body === 'too-large') {
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            ok: false,
            error: { code: 'PAYLOAD_TOO_LARGE', message: 'Body over 10 MB.', details: [] },
          }),
        );
        return;
      }
      const result = await options.handler(toProxyEvent(request, body), lambdaContext('eci-api'));
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
      response.writeHead(result.statusCode, headers);
      response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      // The exception text may name internals (paths, SQL, secrets' ARNs): it is logged, and the
      // client gets a generic body, as API Gateway answers a failed integration.
      (options.onError ?? ((e: unknown) => console.error('http-gateway: handler failed', e)))(error);
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ok: false,
          error: { code: 'BAD_GATEWAY', message: 'The request could not be completed.', details: [] },
        }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
