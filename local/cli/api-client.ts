/** The CLI's HTTP client: ECI's API at `baseUrl`, authenticated with `x-api-key`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export interface EciClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/**
 * Answers are parsed JSON; a non-2xx answer throws {@link ApiError} with ECI's error code and message
 * (`{ok:false,error:{code,message,details}}`), a network failure throws the fetch error.
 */
export function createClient(baseUrl: string, apiKey: string): EciClient {
  const root = baseUrl.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { 'x-api-key': apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${root}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string; details?: unknown[] } } | null)
        ?.error;
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `${method} ${path} answered ${response.status}`,
        error?.details ?? [],
      );
    }
    return data as T;
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}
