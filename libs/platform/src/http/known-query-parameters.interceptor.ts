import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApiQuery, DECORATORS } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { InvalidInputError } from './errors';

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
}

/**
 * The query parameters an operation declares: the ones its handler reads by name (`@Query('x')`)
 * and the ones its OpenAPI documents (`@ApiQuery`). What the API documents is what it accepts.
 */
function declaredQueryParameters(context: ExecutionContext): ReadonlySet<string> {
  const handler = context.getHandler();
  const controller = context.getClass();
  const routeArguments =
    (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) as
      Record<string, RouteArgument> | undefined) ?? {};
  const byName = Object.entries(routeArguments)
    .filter(([key, argument]) => key.startsWith(`${RouteParamtypes.QUERY}:`) && argument.data)
    .map(([, argument]) => String(argument.data));
  const documented = (
    (Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) as
      Array<{ in?: string; name?: string }> | undefined) ?? []
  )
    .filter((parameter) => parameter.in === 'query' && parameter.name)
    .map((parameter) => String(parameter.name));
  return new Set([...byName, ...documented]);
}

/**
 * Refuses a query parameter the operation does not declare, on every route of every app: a
 * misspelt criterion on a personal-data search would otherwise widen the answer silently.
 */
@Injectable()
export class KnownQueryParametersInterceptor implements NestInterceptor {
  private readonly declared = new WeakMap<object, ReadonlySet<string>>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query;
    const names = Object.keys(query ?? {});
    if (names.length === 0) return next.handle();
    const handler = context.getHandler();
    let declared = this.declared.get(handler);
    if (!declared) {
      declared = declaredQueryParameters(context);
      this.declared.set(handler, declared);
    }
    const unknown = names.filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      const accepted = [...declared].sort().join(', ') || 'none';
      throw new InvalidInputError(
        'unknown query parameter',
        unknown.map((name) => ({
          path: name,
          message: `not a parameter of this operation (accepted: ${accepted})`,
        })),
      );
    }
    return next.handle();
  }
}

/**
 * The query of an OAuth 2.0 redirection back to a client (RFC 6749 §4.1.2, RFC 9207 `iss`):
 * what a callback route accepts from the authorization server, success or error.
 */
export const OAuthCallbackQuery = () =>
  applyDecorators(
    ...['code', 'state', 'iss', 'error', 'error_description'].map((name) =>
      ApiQuery({ name, required: false }),
    ),
  );
