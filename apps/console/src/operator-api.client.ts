import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@sne/platform';
import type { SignInService } from './sign-in/sign-in.service';
import { currentRequest } from './sign-in/signed-in-session';

export class OperatorApiError extends Error {
  constructor(
    readonly app: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${app} answered ${status}`);
  }
}

/**
 * Paths are built from checked parameters; this refuses, whatever a caller forgot, a segment that
 * would walk elsewhere once the upstream decodes it (`..`, `%2F`, `%2E%2E`, a backslash).
 */
function isPlainPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//')) return false;
  return path
    .split('?')[0]
    .split('/')
    .slice(1)
    .every((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return false;
      }
      return decoded !== '.' && decoded !== '..' && !/[/\\]/.test(decoded);
    });
}

/**
 * One app's operator API as the console uses it (the console keeps no state), called with the
 * signed-in person's own token: the API applies their roles and territory, not the console's.
 */
export class OperatorApiClient {
  constructor(
    private readonly app: string,
    private readonly baseUrl: string,
    private readonly signIn: SignInService,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  /** A binary answer (a PDF) with its content type, passed through as is. */
  async fetchFile(path: string): Promise<{ status: number; type: string; body: Buffer }> {
    const response = await this.request('GET', path);
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? 'application/octet-stream',
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    // The API's refusal of the person is the console's answer to them, with the API's reason.
    const reason = (parsed as { error?: { message?: string } } | undefined)?.error?.message;
    if (response.status === 403) throw new ForbiddenError(`${this.app}: ${reason ?? 'forbidden'}`);
    if (response.status === 404) throw new NotFoundError(`${this.app}: ${reason ?? 'not found'}`);
    if (response.status === 401)
      throw new UnauthenticatedError(`${this.app}: ${reason ?? 'sign in again'}`);
    if (!response.ok) throw new OperatorApiError(this.app, response.status, parsed);
    return parsed as T;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    if (!isPlainPath(path)) throw new Error(`not a plain API path: ${JSON.stringify(path)}`);
    const request = currentRequest.getStore();
    if (!request) throw new UnauthenticatedError('no signed-in request to call the API for');
    const token = await this.signIn.tokenFor(request, this.app);
    return fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  }
}
