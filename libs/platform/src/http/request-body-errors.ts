import { HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { ErrorBody } from './all-exceptions.filter';

/** What body-parser throws (http-errors): a `type` naming the failure, the size when it knows. */
interface BodyParserError {
  readonly type?: unknown;
  readonly limit?: unknown;
  readonly length?: unknown;
  readonly status?: unknown;
}

/**
 * Body-parser's failures as the platform's errors. The parser's own message is never sent back:
 * it quotes the start of the body, which may carry personal data.
 */
const ANSWERS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  'entity.too.large': {
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    code: 'payload-too-large',
    message: 'the request body is too large',
  },
  'parameters.too.many': {
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    code: 'payload-too-large',
    message: 'the request body has too many parameters',
  },
  'entity.parse.failed': {
    status: HttpStatus.BAD_REQUEST,
    code: 'invalid-body',
    message: 'the request body is not well-formed JSON',
  },
  'encoding.unsupported': {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    message: 'the request body has an unsupported Content-Encoding',
  },
  'charset.unsupported': {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    message: 'the request body has an unsupported charset',
  },
  'request.size.invalid': {
    status: HttpStatus.BAD_REQUEST,
    code: 'invalid-body',
    message: 'the request body is shorter or longer than its Content-Length',
  },
  'request.aborted': {
    status: HttpStatus.BAD_REQUEST,
    code: 'invalid-body',
    message: 'the request body was cut off',
  },
};

/**
 * Answers what the body parser refuses with the platform's error format. The size policy: JSON and
 * form bodies up to body-parser's 100 kB, as Nest sets it in every app (`details.limitBytes`);
 * uploads are multipart, read by busboy with limits per route. The parser runs before
 * any route, so its error reaches neither a controller nor the exception filter (which would
 * answer 500); this express error handler is registered with the app's module, in every app.
 */
@Injectable()
export class RequestBodyErrorHandler implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'express') return;
    adapter.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
      const parserError = error as BodyParserError | undefined;
      const answer = typeof parserError?.type === 'string' ? ANSWERS[parserError.type] : undefined;
      if (!answer || response.headersSent) {
        next(error);
        return;
      }
      const details = {
        ...(typeof parserError?.limit === 'number' ? { limitBytes: parserError.limit } : {}),
        ...(typeof parserError?.length === 'number' ? { bytes: parserError.length } : {}),
      };
      const body: ErrorBody = {
        error: {
          code: answer.code,
          message: answer.message,
          ...(Object.keys(details).length > 0 ? { details } : {}),
        },
      };
      response.status(answer.status).json(body);
    });
  }
}
