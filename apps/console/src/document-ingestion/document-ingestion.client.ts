import { Inject, Injectable } from '@nestjs/common';
import type { ConsoleConfig } from '../config';
import { OperatorApiClient } from '../operator-api.client';
import { SignInService } from '../sign-in/sign-in.service';
import { CONSOLE_CONFIG } from '../platform-status.service';

/** The document-ingestion app's operator API. */
@Injectable()
export class DocumentIngestionClient extends OperatorApiClient {
  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig, signIn: SignInService) {
    super('document-ingestion', config.DOCUMENT_INGESTION_URL, signIn);
  }
}
