import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { currentCorrelationId } from '../logging/correlation';
import {
  ConflictError,
  ForbiddenError,
  DomainError,
  GoneError,
  InvalidInputError,
  NotFoundError,
  OutsideTerritoryError,
  RuleViolationError,
  StaleVersionError,
  UnauthenticatedError,
  UpstreamError,
} from './errors';
import { REFUSAL_RECORDER, type RefusalRecorder } from './refusal-recorder';

const STATUS: ReadonlyArray<[new (...args: never[]) => DomainError, number]> = [
  [NotFoundError, HttpStatus.NOT_FOUND],
  [ConflictError, HttpStatus.CONFLICT],
  [StaleVersionError, HttpStatus.CONFLICT],
  [GoneError, HttpStatus.GONE],
  [InvalidInputError, HttpStatus.BAD_REQUEST],
  [RuleViolationError, HttpStatus.UNPROCESSABLE_ENTITY],
  [UnauthenticatedError, HttpStatus.UNAUTHORIZED],
  [ForbiddenError, HttpStatus.FORBIDDEN],
  [UpstreamError, HttpStatus.BAD_GATEWAY],
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

  constructor(@Optional() @Inject(REFUSAL_RECORDER) private readonly refusals?: RefusalRecorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof ForbiddenError || exception instanceof OutsideTerritoryError)
      this.recordRefusal(host.switchToHttp().getRequest<Request>(), exception);
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

  /** The refusal stands whether or not its record is kept: the caller is not kept waiting. */
  private recordRefusal(request: Request, error: DomainError): void {
    if (!this.refusals) return;
    const caller = request as Request & { principal?: unknown; applicant?: unknown };
    if (!caller.principal && !caller.applicant) return;
    const route = (request.route as { path?: unknown } | undefined)?.path;
    this.refusals
      .refused(
        {
          method: request.method,
          route: typeof route === 'string' ? route : '(no route)',
          params: (request.params ?? {}) as Record<string, string>,
          principal: caller.principal,
          applicant: caller.applicant,
        },
        error,
      )
      .catch((failure: unknown) =>
        this.logger.warn({ msg: 'a refusal could not be audited', reason: String(failure) }),
      );
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
