import { Inject, Injectable } from '@nestjs/common';
import { TokenIssuer } from '@sne/auth';
import type { ConsoleConfig } from '../config';
import { OperatorApiClient } from '../operator-api.client';
import { CONSOLE_CONFIG } from '../platform-status.service';

/** The dispatching app's operator API. */
@Injectable()
export class DispatchingClient extends OperatorApiClient {
  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig, tokens: TokenIssuer) {
    super('dispatching', config.DISPATCHING_URL, tokens);
  }
}
