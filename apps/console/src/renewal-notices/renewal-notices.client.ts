import { Inject, Injectable } from '@nestjs/common';
import { TokenIssuer } from '@sne/auth';
import type { ConsoleConfig } from '../config';
import { OperatorApiClient } from '../operator-api.client';
import { CONSOLE_CONFIG } from '../platform-status.service';

/** The renewal-notices app's operator API. */
@Injectable()
export class RenewalNoticesClient extends OperatorApiClient {
  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig, tokens: TokenIssuer) {
    super('renewal-notices', config.RENEWAL_NOTICES_URL, tokens);
  }
}
