import type { LocalStack } from '../../local/runtime/local-stack';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A small HTTP client for the local stack, as a caller (curl, an ERP) would use it. */
export function apiClient(stack: Pick<LocalStack, 'apiUrl' | 'apiKey'>) {
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
      apiKey?: string | null;
    } = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.apiKey !== null) headers['x-api-key'] = options.apiKey ?? stack.apiKey;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    call,
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('POST', path, { body }),
    push: (connectionId: string, items: unknown[], query = '') =>
      call('POST', `/v1/inventory/push${query}`, { body: { connectionId, items } }),
  };
}
