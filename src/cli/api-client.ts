/**
 * The admin API over HTTP, for the CLI: one request function over `fetch`, JSON in and out.
 * Every failure becomes an `ApiError` carrying the server's problem details (RFC 9457: `code`,
 * `detail`, per-field `errors`), or a plain reason when the server could not be reached.
 */

export interface ProblemField {
  readonly pointer: string;
  readonly message: string;
  readonly file?: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no response came back. */
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: readonly ProblemField[] = [],
  ) {
    super(detail);
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ApiClient {
  /** The server's origin, as given (`http://127.0.0.1:8080`). */
  readonly url: string;
  // biome-ignore lint/suspicious/noExplicitAny: responses are JSON the commands read by field
  request(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<any>;
}

const API_PREFIX = '/api/v1';

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export function createApiClient({ url, key }: { url: string; key: string }): ApiClient {
  const origin = url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return {
    url: origin,
    async request(method, path, options = {}) {
      const target = `${origin}${API_PREFIX}${withQuery(path, options.query)}`;
      const headers: Record<string, string> = {
        Authorization: `Bearer ${key}`,
        Accept: 'application/json, application/problem+json',
      };
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(target, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
      } catch (error) {
        throw new ApiError(
          0,
          'connection.failed',
          `cannot reach Roster at ${origin}: ${reasonOf(error)}`,
        );
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (response.ok) return body;
      const problem = (body ?? {}) as {
        code?: string;
        detail?: string;
        errors?: ProblemField[];
      };
      if (typeof problem.code === 'string' && typeof problem.detail === 'string') {
        throw new ApiError(response.status, problem.code, problem.detail, problem.errors ?? []);
      }
      throw new ApiError(
        response.status,
        'http.unexpected',
        `${method} ${target} answered ${response.status} ${response.statusText}; is this a Roster server?`,
      );
    },
  };
}
