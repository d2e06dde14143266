import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AppError } from '../../use-cases/errors';

export type RouteHandler = (
  event: APIGatewayProxyEvent,
  params: Record<string, string>,
) => Promise<APIGatewayProxyResult>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** A tiny path router: `/v1/jobs/:id` style patterns, 404 for unknown paths, 405 for wrong methods. */
export function createRouter(routes: Array<[method: string, path: string, handler: RouteHandler]>) {
  const compiled: Route[] = routes.map(([method, path, handler]) => {
    const names: string[] = [];
    const source = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { method, pattern: new RegExp(`^${source}/?$`), names, handler };
  });
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const path = event.path ?? '/';
    const matching = compiled.filter((route) => route.pattern.test(path));
    if (matching.length === 0) throw new AppError(404, 'ROUTE_NOT_FOUND', `No route for ${path}.`);
    const route = matching.find((r) => r.method === event.httpMethod);
    if (!route) {
      const allowed = matching.map((r) => r.method).join(', ');
      throw new AppError(
        405,
        'METHOD_NOT_ALLOWED',
        `${event.httpMethod} is not allowed on ${path}; use ${allowed}.`,
      );
    }
    const match = route.pattern.exec(path);
    const params: Record<string, string> = {};
    for (const [index, name] of route.names.entries()) {
      params[name] = decodeURIComponent(match?.[index + 1] ?? '');
    }
    return route.handler(event, params);
  };
}
