import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@sne/platform';
import { AUTH_SECRETS } from './auth.guard';
import type { Principal } from './principal';
import { issueToken } from './token';

/** Issues tokens signed with the app's first secret (the console calling the other apps). */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly clock: Clock,
    @Inject(AUTH_SECRETS) private readonly secrets: readonly string[],
  ) {}

  issue(principal: Principal, ttlSeconds = 3_600): string {
    return issueToken(principal, this.secrets[0], { now: this.clock.now(), ttlSeconds });
  }
}
