import { AuditLog, type SystemActor } from '@sne/audit';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock, MetricsService, OutboundRefusedError, OutboundTimeoutError } from '@sne/platform';
import { QueueFactory } from '@sne/queues';
import { retryDelay, signatureHeaders } from '@sne/webhooks';
import { DelayedError, type Job } from 'bullmq';
import type { Guichet } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';
import { WebhookDestinations } from './webhook-destinations';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { jobIdOf, WEBHOOK_QUEUE, type WebhookJob, WebhookQueue } from './webhook-queue';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

const WEBHOOK_SENDER: SystemActor = { kind: 'system', id: 'webhook-sender' };

const WAIT_TURN_MS = 500;
const PAUSED_RECHECK_MS = 5_000;

type Outcome = { kind: 'sent' } | { kind: 'gone' } | { kind: 'failed'; reason: string };

/**
 * Posts each delivery to its guichet's endpoint, signed (Standard Webhooks), one demand's
 * deliveries in order, through the outbound policy (an address refused at connect time, or a
 * redirect, is a failed attempt). A failure is retried with exponential backoff and jitter
 * (BullMQ); after the last attempt, or once the endpoint has failed for `disableAfterMs`, the
 * delivery becomes a dead letter kept for a manual retry. A 410 disables the endpoint at once.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly outcomes;
  private readonly disabled;

  constructor(
    private readonly queues: QueueFactory,
    private readonly lanes: WebhookQueue,
    private readonly guichets: GuichetRepository,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly clock: Clock,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    private readonly destinations: WebhookDestinations,
    private readonly audit: AuditLog,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('sne_webhook_attempts_total', 'Webhook attempts by outcome', [
      'outcome',
    ]);
    this.disabled = metrics.counter(
      'sne_webhook_endpoints_disabled_total',
      'Webhook endpoints disabled',
    );
  }

  onApplicationBootstrap(): void {
    this.queues.worker<WebhookJob>(WEBHOOK_QUEUE, (job, token) => this.process(job, token), {
      concurrency: 16,
      settings: {
        backoffStrategy: (attemptsMade: number) => retryDelay(this.settings.backoff, attemptsMade),
      },
    });
  }

  private async process(job: Job<WebhookJob>, token: string | undefined): Promise<void> {
    const { guichetCode, lane, delivery } = job.data;
    const guichet = await this.guichets.find(guichetCode);
    const endpoint = await this.endpoints.find(guichetCode);
    const url = guichet?.channels.webhook?.enabled ? guichet.channels.webhook.url : undefined;
    if (!guichet || !url || endpoint?.disabledAt || guichet.retiredAt) {
      await this.deadLetter(
        job,
        guichet?.retiredAt
          ? 'guichet retired'
          : endpoint?.disabledReason
            ? `endpoint disabled: ${endpoint.disabledReason}`
            : 'webhook channel off',
      );
      return;
    }
    if (guichet.paused) return this.later(job, token, PAUSED_RECHECK_MS);
    if (!(await this.headsItsLane(lane, delivery.deliveryId)))
      return this.later(job, token, WAIT_TURN_MS);

    const now = this.clock.now();
    const secrets = (endpoint?.secrets ?? [])
      .filter((entry) => !entry.expiresAt || entry.expiresAt > now.toISOString())
      .map((entry) => entry.secret);
    if (secrets.length === 0) {
      await this.deadLetter(job, 'no webhook secret: rotate one');
      return;
    }
    // Each attempt is a disclosure to the endpoint, whatever it answers.
    await this.audit.record({
      principal: WEBHOOK_SENDER,
      action: 'deliver',
      channel: 'webhook',
      numeroUnique: delivery.event.subject,
      guichet: guichetCode,
      at: now,
    });
    const outcome = await this.post(
      guichet,
      url,
      secrets,
      JSON.stringify(delivery),
      delivery.deliveryId,
      now,
    );
    this.outcomes.inc({ outcome: outcome.kind });
    if (outcome.kind === 'sent') {
      await this.lanes.leave(lane, delivery.deliveryId);
      // Most deliveries find the endpoint healthy: no write then.
      if (endpoint?.failingSince) await this.endpoints.markSuccess(guichetCode);
      return;
    }
    if (outcome.kind === 'gone') {
      await this.disable(guichetCode, 'the endpoint answered 410 Gone');
      await this.deadLetter(job, 'endpoint answered 410 Gone');
      return;
    }
    const failingSince = await this.endpoints.markFailure(guichetCode, now, outcome.reason);
    if (now.getTime() - failingSince.getTime() >= this.settings.disableAfterMs) {
      await this.disable(
        guichetCode,
        `failing since ${failingSince.toISOString()}: ${outcome.reason}`,
      );
      await this.deadLetter(job, outcome.reason);
      return;
    }
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      await this.deadLetter(job, outcome.reason);
      return;
    }
    throw new Error(outcome.reason);
  }

  private async post(
    guichet: Guichet,
    url: string,
    secrets: readonly string[],
    body: string,
    id: string,
    now: Date,
  ): Promise<Outcome> {
    try {
      const response = await this.destinations.post(
        url,
        {
          'content-type': 'application/json',
          'user-agent': 'SNE-dispatching/1.0',
          ...signatureHeaders(secrets, id, Math.floor(now.getTime() / 1000), body),
        },
        body,
      );
      if (response.status >= 200 && response.status < 300) return { kind: 'sent' };
      if (response.status === 410) return { kind: 'gone' };
      if (response.status >= 300 && response.status < 400)
        return { kind: 'failed', reason: `HTTP ${response.status} (redirect not followed)` };
      return { kind: 'failed', reason: `HTTP ${response.status}` };
    } catch (error) {
      const reason =
        error instanceof OutboundRefusedError
          ? `refused: ${error.reason}`
          : error instanceof OutboundTimeoutError
            ? error.message
            : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      this.logger.warn({ msg: 'webhook attempt failed', guichet: guichet.code, reason });
      return { kind: 'failed', reason };
    }
  }

  /** True when this delivery is next for its demand; a head whose job is gone is skipped. */
  private async headsItsLane(lane: string, deliveryId: string): Promise<boolean> {
    for (;;) {
      const head = await this.lanes.head(lane);
      if (head === undefined || head === deliveryId) return true;
      if (await this.lanes.queue.getJob(jobIdOf(head))) return false;
      await this.lanes.leave(lane, head);
    }
  }

  /** Puts the job back for later without spending an attempt. */
  private async later(job: Job<WebhookJob>, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  private async deadLetter(job: Job<WebhookJob>, reason: string): Promise<void> {
    const { guichetCode, lane, delivery } = job.data;
    await this.endpoints.addDeadLetter({
      deliveryId: delivery.deliveryId,
      guichetCode,
      delivery,
      reason,
      attempts: job.attemptsMade + 1,
      failedAt: this.clock.now().toISOString(),
    });
    await this.lanes.leave(lane, delivery.deliveryId);
    this.logger.warn({
      msg: 'webhook delivery dead-lettered',
      guichet: guichetCode,
      deliveryId: delivery.deliveryId,
      reason,
    });
  }

  private async disable(guichetCode: string, reason: string): Promise<void> {
    await this.endpoints.disable(guichetCode, this.clock.now(), reason);
    this.disabled.inc();
    // The operators' alert: an error line and the metric above, watched by the console.
    this.logger.error({
      msg: 'webhook endpoint disabled',
      guichet: guichetCode,
      reason,
      alert: true,
    });
  }
}
