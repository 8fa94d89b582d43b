/** One reason an input was refused: a JSON pointer into the input and why. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Errors of the domain and application layers. They say what went wrong; only the HTTP layer
 * (AllExceptionsFilter) turns them into status codes.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
}

/** The request conflicts with the current state (a duplicate, an existing code...). */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

/** An If-Match version that is not the current one. */
export class StaleVersionError extends DomainError {
  readonly code = 'stale-version';
}

/** Asked for something that is no longer kept (an expired feed cursor). */
export class GoneError extends DomainError {
  readonly code = 'gone';
}

export class InvalidInputError extends DomainError {
  readonly code = 'invalid-input';
  constructor(
    message: string,
    readonly issues: readonly InputIssue[],
  ) {
    super(message, { issues });
  }
}

/** Well-formed, but the rules of the domain refuse it. */
export class RuleViolationError extends DomainError {
  readonly code = 'rule-violation';
  constructor(
    message: string,
    readonly issues: readonly InputIssue[] = [],
  ) {
    super(message, { issues });
  }
}

/** No credentials, or credentials that do not verify. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}

/** Authenticated, but this principal may not do this. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** A rule or a request that reaches outside the caller's territory: refused, and audited. */
export class OutsideTerritoryError extends RuleViolationError {}

/** A server the request depends on (the identity provider…) failed or refused: try again later. */
export class UpstreamError extends DomainError {
  readonly code = 'upstream-unavailable';
}
