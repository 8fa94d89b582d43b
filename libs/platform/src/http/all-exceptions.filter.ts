import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { currentCorrelationId } from '../logging/correlation';
import {
  ConflictError,
  ForbiddenError,
  DomainError,
  GoneError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
  StaleVersionError,
  UnauthenticatedError,
} from './errors';

const STATUS: ReadonlyArray<[new (...args: never[]) => DomainError, number]> = [
  [NotFoundError, HttpStatus.NOT_FOUND],
  [ConflictError, HttpStatus.CONFLICT],
  [StaleVersionError, HttpStatus.CONFLICT],
  [GoneError, HttpStatus.GONE],
  [InvalidInputError, HttpStatus.BAD_REQUEST],
  [RuleViolationError, HttpStatus.UNPROCESSABLE_ENTITY],
  [UnauthenticatedError, HttpStatus.UNAUTHORIZED],
  [ForbiddenError, HttpStatus.FORBIDDEN],
];

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Readonly<Record<string, unknown>>;
    errorId?: string;
    correlationId?: string;
  };
}

/**
 * One error format for every HTTP API: `{ error: { code, message, details } }`. Unexpected errors
 * answer 500 with an `errorId` that is also in the log line, never with the internal message.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const correlationId = currentCorrelationId();
    // A body an endpoint shaped itself (the readiness report) is sent as it is.
    if (exception instanceof HttpException) {
      const payload = exception.getResponse();
      if (typeof payload === 'object' && !('statusCode' in payload)) {
        response.status(exception.getStatus()).type('application/json').json(payload);
        return;
      }
    }
    const [status, body] = this.toResponse(exception);
    if (correlationId) body.error.correlationId = correlationId;
    // A route that answers a file has set its type and disposition already: an error is JSON.
    response.removeHeader('Content-Disposition');
    response.status(status).type('application/json').json(body);
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      const status =
        STATUS.find(([type]) => exception instanceof type)?.[1] ?? HttpStatus.BAD_REQUEST;
      return [
        status,
        {
          error: {
            code: exception.code,
            message: exception.message,
            ...(exception.details ? { details: exception.details } : {}),
          },
        },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const detail =
        typeof payload === 'string' ? payload : (payload as { message?: unknown }).message;
      const message =
        typeof detail === 'string'
          ? detail
          : Array.isArray(detail)
            ? detail.map(String).join('; ')
            : exception.message;
      const code =
        status === 413
          ? 'payload-too-large'
          : status === 404
            ? 'not-found'
            : status >= 500
              ? 'internal'
              : 'bad-request';
      return [status, { error: { code, message } }];
    }
    const errorId = randomUUID();
    this.logger.error({ msg: 'unexpected error', errorId, err: exception });
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      { error: { code: 'internal', message: 'internal error', errorId } },
    ];
  }
}
