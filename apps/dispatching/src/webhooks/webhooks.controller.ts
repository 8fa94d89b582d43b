import { Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnGuichet, Roles } from '@sne/auth';
import { Clock, guichetCodeOf, NotFoundError } from '@sne/platform';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetsService } from '../guichets/guichets.service';
import { type WebhookDeadLetter, WebhookEndpointRepository } from './webhook-endpoint.repository';
import { jobIdOf, WebhookQueue } from './webhook-queue';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';

export interface WebhookEndpointView {
  readonly guichetCode: string;
  readonly url?: string;
  readonly enabled: boolean;
  readonly secrets: ReadonlyArray<{ createdAt: string; expiresAt?: string }>;
  readonly failingSince?: string;
  readonly lastFailure?: { readonly at: string; readonly reason: string };
  readonly disabledAt?: string;
  readonly disabledReason?: string;
}

/** Operators' (and the guichet's own) view of its webhook: state, secret rotation, re-enabling, dead letters. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@OwnGuichet()
@UseGuards(GuichetScopeGuard)
@Controller('guichets/:code/webhook')
export class WebhooksController {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly queue: WebhookQueue,
    private readonly clock: Clock,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  @Get()
  @ApiOperation({ summary: "The webhook endpoint's state (never the secrets themselves)" })
  async state(@Param('code') code: string): Promise<WebhookEndpointView> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    const endpoint = await this.endpoints.find(guichet.code);
    return {
      guichetCode: guichet.code,
      ...(guichet.channels.webhook ? { url: guichet.channels.webhook.url } : {}),
      enabled: Boolean(guichet.channels.webhook?.enabled) && !endpoint?.disabledAt,
      secrets: (endpoint?.secrets ?? []).map(({ createdAt, expiresAt }) => ({
        createdAt,
        ...(expiresAt ? { expiresAt } : {}),
      })),
      ...(endpoint?.failingSince ? { failingSince: endpoint.failingSince } : {}),
      ...(endpoint?.lastFailure ? { lastFailure: endpoint.lastFailure } : {}),
      ...(endpoint?.disabledAt
        ? { disabledAt: endpoint.disabledAt, disabledReason: endpoint.disabledReason }
        : {}),
    };
  }

  @Post('secrets')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'A new signing secret, shown once; the previous one stays valid during the grace period',
  })
  async rotate(
    @Param('code') code: string,
  ): Promise<{ secret: string; previousValidUntil: string }> {
    const guichet = await this.guichets.get(guichetCodeOf(code));
    const now = this.clock.now();
    const secret = await this.endpoints.rotateSecret(
      guichet.code,
      now,
      this.settings.secretGraceMs,
    );
    return {
      secret,
      previousValidUntil: new Date(now.getTime() + this.settings.secretGraceMs).toISOString(),
    };
  }

  @Post('enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable an endpoint disabled after failures' })
  async enable(@Param('code') code: string): Promise<WebhookEndpointView> {
    await this.endpoints.enable((await this.guichets.get(guichetCodeOf(code))).code);
    return this.state(code);
  }

  @Get('dead-letters')
  async deadLetters(@Param('code') code: string): Promise<{ deadLetters: WebhookDeadLetter[] }> {
    return {
      deadLetters: await this.endpoints.deadLettersOf(
        (await this.guichets.get(guichetCodeOf(code))).code,
      ),
    };
  }

  @Post('dead-letters/:deliveryId/retry')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Send a dead letter again (same webhook-id); it does not wait for the demand’s other deliveries',
  })
  async retry(
    @Param('code') code: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<{ queued: string }> {
    const letter = await this.endpoints.takeDeadLetter(guichetCodeOf(code), deliveryId);
    if (!letter) throw new NotFoundError(`no dead letter ${deliveryId} for guichet ${code}`);
    await this.queue.queue.remove(jobIdOf(deliveryId)).catch(() => undefined);
    await this.queue.enqueue(
      letter.delivery,
      0,
      `${this.queue.laneKey(letter.guichetCode, letter.delivery.event.subject)}:retry:${deliveryId}`,
    );
    return { queued: deliveryId };
  }
}
