import type { DomainError } from './errors';

/** The request as a refusal recorder sees it: what was asked, by whom (set by the auth guard). */
export interface RefusedRequest {
  readonly method: string;
  /** The route as declared (`/guichets/:code`), not the values: a path may carry a numéro. */
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly principal?: unknown;
  readonly applicant?: unknown;
}

/**
 * Told of every refusal of an authenticated caller (403, a reach outside its territory), so that
 * each is in the audit trail. Provided by libs/audit; an app without it refuses all the same.
 */
export interface RefusalRecorder {
  refused(request: RefusedRequest, error: DomainError): Promise<void>;
}

export const REFUSAL_RECORDER = Symbol('REFUSAL_RECORDER');
