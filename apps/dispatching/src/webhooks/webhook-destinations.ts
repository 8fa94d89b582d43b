import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { OutboundHttpClient, type OutboundResponse, RuleViolationError } from '@sne/platform';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

/**
 * Where webhooks may go: a guichet's endpoint is checked against the outbound policy when it is
 * saved (the URL, and what its host resolves to then) and again on each connection.
 */
@Injectable()
export class WebhookDestinations implements OnApplicationShutdown {
  private readonly client: OutboundHttpClient;

  constructor(@Inject(WEBHOOK_SETTINGS) settings: WebhookSettings) {
    this.client = new OutboundHttpClient(
      { allowLoopback: settings.allowLoopbackHttp },
      { timeoutMs: settings.timeoutMs },
    );
  }

  /** Refuses (422) an endpoint the policy forbids, naming why. */
  async check(url: string, path = '/channels/webhook/url'): Promise<void> {
    const verdict = await this.client.check(url);
    if (!verdict.allowed) {
      throw new RuleViolationError(`webhook URL refused: ${verdict.reason}`, [
        { path, message: verdict.reason },
      ]);
    }
  }

  /** One POST; rejects with OutboundRefusedError when the address connected to is forbidden. */
  post(url: string, headers: Record<string, string>, body: string): Promise<OutboundResponse> {
    return this.client.request({ method: 'POST', url, headers, body });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
