import { Inject, Injectable } from '@nestjs/common';
import type { ConsoleConfig } from '../config';
import { OperatorApiClient } from '../operator-api.client';
import { SignInService } from '../sign-in/sign-in.service';
import { CONSOLE_CONFIG } from '../platform-status.service';

/** The dispatching app's operator API. */
@Injectable()
export class DispatchingClient extends OperatorApiClient {
  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig, signIn: SignInService) {
    super('dispatching', config.DISPATCHING_URL, signIn);
  }
}
