import { AsyncLocalStorage } from 'node:async_hooks';
import type { OperatorRole, Territory } from '@sne/auth';
import type { Request } from 'express';

/** Who is signed in, and the tokens the console calls the APIs with on their behalf. */
export interface SignedIn {
  readonly sub: string;
  readonly name?: string;
  readonly roles: readonly OperatorRole[];
  readonly territory: Territory;
  readonly idToken?: string;
  readonly refreshToken: string;
  /** Per API: the person's access token for it and when it expires (ms since the epoch). */
  tokens: Record<string, { token: string; expiresAt: number }>;
}

/** A sign-in under way: what the callback must find again (RFC 9700: state and PKCE). */
export interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string;
  readonly returnTo: string;
}

declare module 'express-session' {
  interface SessionData {
    signedIn?: SignedIn;
    pendingSignIn?: PendingSignIn;
  }
}

/**
 * The request being served, for the API clients deep below the controllers: each call takes the
 * token of the person whose request it serves, never one of the console's own.
 */
export const currentRequest = new AsyncLocalStorage<Request>();
