import { Inject, Injectable } from '@nestjs/common';
import { type OperatorPrincipal, TokenIssuer } from '@sne/auth';
import type { ConsoleConfig } from '../config';
import { CONSOLE_CONFIG } from '../platform-status.service';

const CONSOLE_OPERATOR: OperatorPrincipal = {
  kind: 'operator',
  id: 'console',
  roles: ['national-admin'],
  territory: 'all',
};

export class DispatchingApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`dispatching answered ${status}`);
  }
}

/** The dispatching app's operator API, as the console uses it (the console keeps no state). */
@Injectable()
export class DispatchingClient {
  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    private readonly tokens: TokenIssuer,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.config.DISPATCHING_URL), {
      method,
      headers: {
        'content-type': 'application/json',
        // The console has no sign-in of its own yet (loopback only): it acts as one operator.
        authorization: `Bearer ${this.tokens.issue(CONSOLE_OPERATOR, 300)}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new DispatchingApiError(response.status, parsed);
    return parsed as T;
  }
}
