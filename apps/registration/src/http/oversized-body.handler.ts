import { HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ErrorBody } from '@sne/platform';
import type { NextFunction, Request, Response } from 'express';

/** What body-parser throws for a body over its limit (http-errors). */
interface BodyParserError {
  readonly type?: unknown;
  readonly limit?: unknown;
  readonly length?: unknown;
}

/**
 * Answers a body over the JSON parser's limit (100 kB, far above any CERFA) with the platform's
 * error format. The parser runs before any route, so its error reaches neither a controller nor
 * the platform's exception filter, which would answer 500; this handler is registered once the
 * routes are, ahead of Nest's own error handler.
 */
@Injectable()
export class OversizedBodyHandler implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'express') return;
    adapter.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
      const parserError = error as BodyParserError | undefined;
      if (parserError?.type !== 'entity.too.large') {
        next(error);
        return;
      }
      const body: ErrorBody = {
        error: {
          code: 'payload-too-large',
          message: 'the request body is too large',
          details: {
            ...(typeof parserError.limit === 'number' ? { limitBytes: parserError.limit } : {}),
            ...(typeof parserError.length === 'number' ? { bytes: parserError.length } : {}),
          },
        },
      };
      response.status(HttpStatus.PAYLOAD_TOO_LARGE).json(body);
    });
  }
}
