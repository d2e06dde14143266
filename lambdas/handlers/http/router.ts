import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ValidationError } from '../../domain/validation-error';
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

/**
 * A tiny path router: `/v1/jobs/:id` style patterns, 404 for unknown paths, 405 for wrong methods.
 * Path parameters are percent-decoded here; a malformed escape (`%E0%A4%A`) is a 400 naming the segment,
 * never a URIError turning into a 500.
 */
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
    if (matching.length === 0) {
      throw new AppError(404, 'ROUTE_NOT_FOUND', `No route for ${JSON.stringify(path).slice(1, -1)}.`);
    }
    const route = matching.find((r) => r.method === event.httpMethod);
    if (!route) {
      const allowed = matching.map((r) => r.method).join(', ');
      throw new AppError(
        405,
        'METHOD_NOT_ALLOWED',
        `${event.httpMethod} is not allowed on ${JSON.stringify(path).slice(1, -1)}; use ${allowed}.`,
      );
    }
    const match = route.pattern.exec(path);
    const params: Record<string, string> = {};
    for (const [index, name] of route.names.entries()) {
      const raw = match?.[index + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        throw new ValidationError(`The path segment "${raw}" is not valid percent-encoded UTF-8.`, [
          { path: `path.${name}`, message: 'is not valid percent-encoded UTF-8' },
        ]);
      }
    }
    return route.handler(event, params);
  };
}
