import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { startHttpGateway } from '../runtime/http-gateway';
import type { TemplateResolver } from './template';

/** One method of the REST API: where it lives, what it invokes, whether it needs an API key. */
export interface RestRoute {
  resourcePath: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  /** ARN of the Lambda function the AWS_PROXY integration invokes. */
  functionArn: string;
  matcher: RegExp;
  /** Literal path segments: more literal = more specific (API Gateway prefers `/v1/x` over `/v1/{proxy+}`). */
  literalSegments: number;
  greedy: boolean;
}

interface GatewayResponse {
  statusCode: number;
  body: string;
}

/**
 * Reads the REST API's resources, methods and gateway responses from the template: each
 * AWS::ApiGateway::Resource's path (following ParentId up to the root), each AWS::ApiGateway::Method
 * with an AWS_PROXY Lambda integration, and the error bodies API Gateway answers itself.
 */
export function readRestApi(resolver: TemplateResolver) {
  const resources = new Map(resolver.resourcesOfType('AWS::ApiGateway::Resource'));
  const pathOf = (resourceId: unknown): string => {
    const ref = (resourceId as { Ref?: string }).Ref;
    if (!ref) return ''; // Fn::GetAtt RestApi.RootResourceId: the root
    const resource = resources.get(ref);
    if (!resource) throw new Error(`twin: API resource ${ref} not found`);
    return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };
  const routes: RestRoute[] = resolver.resourcesOfType('AWS::ApiGateway::Method').map(([id, method]) => {
    const props = method.Properties ?? {};
    const integration = props.Integration as { Type?: string; Uri?: unknown } | undefined;
    if (integration?.Type !== 'AWS_PROXY')
      throw new Error(`twin: method ${id} is not a Lambda proxy integration`);
    const uri = resolver.resolve(integration.Uri);
    const functionArn = /functions\/(.+)\/invocations$/.exec(uri)?.[1];
    if (!functionArn) throw new Error(`twin: method ${id} integration ${uri} names no function`);
    const resourcePath = pathOf(props.ResourceId) || '/';
    const segments = resourcePath.split('/').filter(Boolean);
    const pattern = segments
      .map((s) => {
        if (/^\{.+\+\}$/.test(s)) return '(.+)';
        if (/^\{.+\}$/.test(s)) return '([^/]+)';
        return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return {
      resourcePath,
      httpMethod: String(props.HttpMethod),
      apiKeyRequired: props.ApiKeyRequired === true,
      functionArn,
      matcher: new RegExp(`^/${pattern}$`),
      literalSegments: segments.filter((s) => !s.startsWith('{')).length,
      greedy: segments.some((s) => s.endsWith('+}')),
    };
  });
  routes.sort((a, b) => Number(a.greedy) - Number(b.greedy) || b.literalSegments - a.literalSegments);

  const responses = new Map<string, GatewayResponse>();
  for (const [, response] of resolver.resourcesOfType('AWS::ApiGateway::GatewayResponse')) {
    const props = response.Properties ?? {};
    const templates = (props.ResponseTemplates ?? {}) as Record<string, string>;
    responses.set(String(props.ResponseType), {
      statusCode: Number(props.StatusCode),
      body: templates['application/json'] ?? '',
    });
  }
  // API Gateway's own defaults where the template sets nothing.
  // `$context.path` in a template is the request path, filled in as API Gateway does.
  const gatewayResponse = (
    type: string,
    fallback: GatewayResponse,
    requestPath = '',
  ): APIGatewayProxyResult => {
    const chosen = responses.get(type) ?? fallback;
    return {
      statusCode: chosen.statusCode,
      headers: { 'content-type': 'application/json' },
      body: chosen.body.replaceAll('$context.path', JSON.stringify(requestPath).slice(1, -1)),
    };
  };
  const stageName = resolver
    .resourcesOfType('AWS::ApiGateway::Stage')
    .map(([, s]) => String(s.Properties?.StageName ?? ''))[0];
  return { routes, gatewayResponse, stageName: stageName || 'local' };
}

/**
 * A path parameter as the function sees it: percent-decoded where the escape is valid, otherwise the
 * raw segment. The gateway itself never refuses a malformed escape; the function (whose router checks
 * the raw `event.path`) answers its own 400, as on AWS.
 */
function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export interface TwinGatewayOptions {
  port: number;
  /** The value of the stage's API key (the usage plan's key); the twin takes it from ECI_API_KEY. */
  apiKey: string;
  invoke: (functionArn: string, event: APIGatewayProxyEvent) => Promise<unknown>;
  onError?: (error: unknown) => void;
}

/**
 * API Gateway for the twin, as the template declares it: the request is routed to a method by the
 * resource tree (a literal resource wins over `{proxy+}`), methods with `ApiKeyRequired` answer the
 * template's INVALID_API_KEY response without `x-api-key: <apiKey>`, unknown routes answer
 * MISSING_AUTHENTICATION_TOKEN, and the Lambda proxy event carries the matched resource and path
 * parameters. A function error answers 502 `{"message": "Internal server error"}`, as API Gateway does.
 */
export async function startTwinGateway(resolver: TemplateResolver, options: TwinGatewayOptions) {
  const { routes, gatewayResponse, stageName } = readRestApi(resolver);
  return startHttpGateway({
    port: options.port,
    handler: async (event) => {
      const route = routes.find(
        (r) => r.matcher.test(event.path) && (r.httpMethod === 'ANY' || r.httpMethod === event.httpMethod),
      );
      if (!route) {
        return gatewayResponse(
          'MISSING_AUTHENTICATION_TOKEN',
          { statusCode: 403, body: '{"message":"Missing Authentication Token"}' },
          event.path,
        );
      }
      if (route.apiKeyRequired && event.headers['x-api-key'] !== options.apiKey) {
        return gatewayResponse('INVALID_API_KEY', { statusCode: 403, body: '{"message":"Forbidden"}' });
      }
      const names = [...route.resourcePath.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1] ?? '');
      const values = route.matcher.exec(event.path)?.slice(1) ?? [];
      const pathParameters = names.length
        ? Object.fromEntries(names.map((name, i) => [name, decodePathParameter(values[i] ?? '')]))
        : null;
      const proxyEvent: APIGatewayProxyEvent = {
        ...event,
        resource: route.resourcePath,
        pathParameters,
        requestContext: {
          ...event.requestContext,
          resourcePath: route.resourcePath,
          stage: stageName,
        },
      };
      try {
        const result = (await options.invoke(route.functionArn, proxyEvent)) as APIGatewayProxyResult | null;
        if (!result || typeof result.statusCode !== 'number')
          throw new Error(`malformed Lambda proxy response: ${JSON.stringify(result)?.slice(0, 300)}`);
        return result;
      } catch (error) {
        options.onError?.(error);
        return {
          statusCode: 502,
          headers: { 'content-type': 'application/json' },
          body: '{"message":"Internal server error"}',
        };
      }
    },
  });
}
