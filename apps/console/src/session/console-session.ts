import {
  HttpStatus,
  Inject,
  Injectable,
  type NestInterceptor,
  type CallHandler,
  type ExecutionContext,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorBody } from '@sne/platform';
import RedisStore from 'connect-redis';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { Redis } from 'ioredis';
import { map, type Observable } from 'rxjs';

export interface SessionSettings {
  readonly redisUrl: string;
  /** Prefix of the session keys in Redis (isolates tests and apps sharing one Redis). */
  readonly keyPrefix: string;
  /** The first signs the cookie; the others still verify it (rotation). */
  readonly secrets: readonly string[];
  /** Only over HTTPS; off for the local platform on plain http://127.0.0.1 only. */
  readonly secureCookie: boolean;
  readonly maxAgeSeconds: number;
}

export const SESSION_SETTINGS = Symbol('SESSION_SETTINGS');
export const SESSION_COOKIE = 'sne.console.sid';
const CSRF_FIELD = '_csrf';
const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';

/**
 * The console's sessions: kept in Redis (any instance of the console serves any session), an
 * HttpOnly, SameSite cookie carrying only the signed session id, and a synchroniser CSRF token per
 * session (csrf-sync) that every form carries and every POST must give back.
 */
@Injectable()
export class ConsoleSessions implements OnModuleInit, OnModuleDestroy {
  private readonly redis: Redis;
  readonly session: RequestHandler;
  private readonly csrf = csrfSync({
    getTokenFromRequest: (request) => {
      const fromForm = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      const fromHeader = request.headers['x-csrf-token'];
      return typeof fromForm === 'string'
        ? fromForm
        : typeof fromHeader === 'string'
          ? fromHeader
          : undefined;
    },
    errorConfig: {
      statusCode: HttpStatus.FORBIDDEN,
      code: CSRF_ERROR_CODE,
      message: 'a form of this console, with its CSRF token, is required',
    },
  });

  constructor(
    @Inject(SESSION_SETTINGS) settings: SessionSettings,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.redis = new Redis(settings.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.session = session({
      name: SESSION_COOKIE,
      store: new RedisStore({
        client: this.redis,
        prefix: `${settings.keyPrefix}console:session:`,
      }),
      secret: [...settings.secrets],
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: settings.secureCookie,
        maxAge: settings.maxAgeSeconds * 1_000,
      },
    });
  }

  get protection(): RequestHandler {
    return this.csrf.csrfSynchronisedProtection;
  }

  /** The session's token, created with the session on its first form. */
  tokenFor(request: Request): string {
    return this.csrf.generateToken(request);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'express') return;
    adapter.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
      if ((error as { code?: unknown } | undefined)?.code !== CSRF_ERROR_CODE) {
        next(error);
        return;
      }
      const body: ErrorBody = {
        error: {
          code: 'csrf-token-invalid',
          message: 'a form of this console, with its CSRF token, is required',
        },
      };
      response.status(HttpStatus.FORBIDDEN).json(body);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Puts the session's CSRF token in every POST form of an HTML page the console renders. */
@Injectable()
export class CsrfFormsInterceptor implements NestInterceptor {
  constructor(private readonly sessions: ConsoleSessions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (typeof body !== 'string' || !/<form\b[^>]*method="post"/i.test(body)) return body;
        const field = `<input type="hidden" name="${CSRF_FIELD}" value="${this.sessions.tokenFor(request)}">`;
        return body.replace(/<form\b[^>]*method="post"[^>]*>/gi, (form) => `${form}${field}`);
      }),
    );
  }
}
