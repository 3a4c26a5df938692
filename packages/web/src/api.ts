/**
 * The one way the web UI talks to the Rempart API: JSON in and out, the session's CSRF token on every
 * non-GET request, and server errors (`{ error: { code, message } }`, messages in French) as `ApiError`.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get forbidden(): boolean {
    return this.status === 403;
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

let csrfToken: string | null = null;

/** Remembers the CSRF token given by login, TOTP verification and /auth/me. */
export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token ?? null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Builds `/api<path>?…`, leaving out empty query values. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

function errorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof code === 'string' && typeof message === 'string' && message.length > 0) {
        // Shown to the user: bounded, and React renders it as text.
        return new ApiError(status, code.slice(0, 100), message.length > 500 ? `${message.slice(0, 499)}…` : message);
      }
    }
  }
  const fallback: Record<number, string> = {
    401: 'authentification requise',
    403: 'accès refusé',
    404: 'ressource introuvable',
    413: 'requête trop volumineuse',
    429: 'trop de requêtes, réessayez plus tard',
  };
  return new ApiError(status, 'http_error', fallback[status] ?? `erreur du serveur (HTTP ${status})`);
}

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
  /** POSTs a file's bytes as is (e.g. a FINESS extract as text/csv). */
  postFile<T>(path: string, file: Blob, contentType: string): Promise<T>;
}

type Body = { json: unknown } | { raw: Blob; type: string } | undefined;

/**
 * A client for the API at `origin` (empty: the page's own origin, as in the browser). The CSRF token is read at
 * each call from `csrf` (by default the one `setCsrfToken` keeps).
 */
export function createApiClient(origin = '', csrf: () => string | null = () => csrfToken): ApiClient {
  async function request<T>(method: string, path: string, body?: Body, query?: Query): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body && 'json' in body) headers['content-type'] = 'application/json';
    if (body && 'raw' in body) headers['content-type'] = body.type;
    const token = csrf();
    if (method !== 'GET' && token) headers['x-csrf-token'] = token;
    let response: Response;
    try {
      response = await fetch(`${origin}${apiUrl(path, query)}`, {
        method,
        headers,
        body: body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.raw,
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'network_error', 'le serveur est injoignable, vérifiez votre connexion');
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw new ApiError(response.status, 'network_error', 'la réponse du serveur a été interrompue');
    }
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // A proxy's HTML error page, a truncated answer: the status still says what happened.
        if (!response.ok) throw errorOf(response.status, null);
        throw new ApiError(response.status, 'invalid_response', 'réponse illisible du serveur');
      }
    }
    if (!response.ok) throw errorOf(response.status, parsed);
    return parsed as T;
  }
  return {
    get: (path, query) => request('GET', path, undefined, query),
    post: (path, body) => request('POST', path, { json: body ?? {} }),
    patch: (path, body) => request('PATCH', path, { json: body }),
    delete: (path) => request('DELETE', path),
    postFile: (path, file, type) => request('POST', path, { raw: file, type }),
  };
}

export const api = createApiClient();

/** A French message for any thrown value, for display in an alert. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'erreur inattendue';
}
