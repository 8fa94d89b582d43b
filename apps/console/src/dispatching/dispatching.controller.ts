import { GuichetCodePipe, PatternPipe } from '@sne/platform';
import { Body, Controller, Get, Header, Param, Post, Redirect } from '@nestjs/common';
import { html } from '@sne/platform';
import { layout, table } from '../html';
import { OperatorApiError } from '../operator-api.client';
import { DispatchingClient } from './dispatching.client';

interface GuichetView {
  code: string;
  name: string;
  type: string;
  territory: { departments: string[] };
  referentEmail: string;
  channels: {
    kafka?: { enabled: boolean };
    pull?: { enabled: boolean };
    webhook?: { enabled: boolean; url: string };
  };
  paused: boolean;
}
interface SubscriptionView {
  version: number;
  eventTypes: string[];
  rule: unknown;
  changedBy: string;
  changedAt: string;
}
interface LagView {
  at: string;
  dispatcher: Array<{ topic: string; lag: number }>;
  webhookJobs: { waiting: number; delayed: number; active: number; failed: number };
  guichets: Array<{
    code: string;
    paused: boolean;
    logEnd: number;
    kafkaConsumer?: number;
    feedWriter?: number;
    webhookEnqueuer?: number;
  }>;
}
interface WebhookView {
  enabled: boolean;
  url?: string;
  failingSince?: string;
  disabledAt?: string;
  disabledReason?: string;
}
interface DeadLetterView {
  deliveryId: string;
  reason: string;
  attempts: number;
  failedAt: string;
}
interface DryRunView {
  activeDemands: { matching: number; examined: number };
  recentEvents: { matching: number; examined: number; since: string };
  sample: string[];
  warnings: Array<{ path: string; message: string }>;
}

const DEAD_LETTER_ID = new PatternPipe(
  /^[A-Za-z0-9._-]{1,100}:[0-9A-Z]{5}$/,
  '/deliveryId',
  'a delivery id (event id:guichet code)',
);
const channelsOf = (guichet: GuichetView) =>
  [
    guichet.channels.kafka?.enabled ? 'Kafka' : '',
    guichet.channels.pull?.enabled ? 'flux' : '',
    guichet.channels.webhook?.enabled ? 'webhook' : '',
  ]
    .filter(Boolean)
    .join(', ');
const orDash = (value: number | undefined) => (value === undefined ? '—' : value);

/**
 * The operators' pages over the dispatching app: guichets and their lag, a guichet's subscription,
 * webhook state and dead letters (with retry), pause/resume, and a dry run of a draft rule.
 */
@Controller()
export class DispatchingController {
  constructor(private readonly dispatching: DispatchingClient) {}

  @Get('guichets')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async guichets(): Promise<string> {
    const [guichets, lag] = await Promise.all([
      this.dispatching.get<{ guichets: GuichetView[] }>('/guichets'),
      this.dispatching.get<LagView>('/lag'),
    ]);
    const lagOf = new Map(lag.guichets.map((entry) => [entry.code, entry]));
    const rows = guichets.guichets.map((guichet) => {
      const entry = lagOf.get(guichet.code);
      return [
        html`<a href="/guichets/${guichet.code}">${guichet.code}</a>`,
        guichet.name,
        guichet.type,
        guichet.territory.departments.join(', '),
        channelsOf(guichet),
        guichet.paused ? html`<span class="down">en pause</span>` : 'actif',
        orDash(entry?.logEnd),
        orDash(entry?.kafkaConsumer),
        orDash(entry?.feedWriter),
        orDash(entry?.webhookEnqueuer),
      ];
    });
    return layout(
      'Guichets',
      html`<p>${guichets.guichets.length} guichets. Retards en livraisons non lues.</p>
        ${table(
          [
            'code',
            'nom',
            'type',
            'départements',
            'canaux',
            'état',
            'livraisons',
            'retard Kafka',
            'retard flux',
            'retard webhook',
          ],
          rows,
        )}`,
      { refreshSeconds: 15 },
    );
  }

  @Get('lag')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async lag(): Promise<string> {
    const lag = await this.dispatching.get<LagView>('/lag');
    const behind = lag.guichets.filter(
      (entry) =>
        (entry.kafkaConsumer ?? 0) + (entry.feedWriter ?? 0) + (entry.webhookEnqueuer ?? 0) > 0,
    );
    return layout(
      'Retards',
      html`<h2>Dispatcher</h2>
        ${table(
          ['topic', 'événements non traités'],
          lag.dispatcher.map((entry) => [entry.topic, entry.lag]),
        )}
        <h2>Webhooks</h2>
        ${table(
          ['en attente', 'différés (nouvel essai)', 'en cours', 'échoués'],
          [
            [
              lag.webhookJobs.waiting,
              lag.webhookJobs.delayed,
              lag.webhookJobs.active,
              lag.webhookJobs.failed,
            ],
          ],
        )}
        <h2>Guichets en retard (${behind.length})</h2>
        ${table(
          ['guichet', 'livraisons', 'retard Kafka', 'retard flux', 'retard webhook'],
          behind.map((entry) => [
            html`<a href="/guichets/${entry.code}">${entry.code}</a>`,
            entry.logEnd,
            orDash(entry.kafkaConsumer),
            orDash(entry.feedWriter),
            orDash(entry.webhookEnqueuer),
          ]),
        )}
        <p>Mesuré à ${lag.at}.</p>`,
      { refreshSeconds: 10 },
    );
  }

  @Get('guichets/:code')
  @Header('Content-Type', 'text/html; charset=utf-8')
  guichet(@Param('code', GuichetCodePipe) code: string): Promise<string> {
    return this.renderGuichet(code);
  }

  private async renderGuichet(
    code: string,
    draft?: { text: string; result: unknown },
  ): Promise<string> {
    const [guichet, subscription, webhook, deadLetters] = await Promise.all([
      this.dispatching.get<GuichetView>(`/guichets/${code}`),
      this.dispatching
        .get<SubscriptionView>(`/guichets/${code}/subscription`)
        .catch(() => undefined),
      this.dispatching.get<WebhookView>(`/guichets/${code}/webhook`),
      this.dispatching
        .get<{ deadLetters: DeadLetterView[] }>(`/guichets/${code}/webhook/dead-letters`)
        .catch(() => ({ deadLetters: [] })),
    ]);
    const draftText =
      draft?.text ??
      JSON.stringify(
        subscription ? { eventTypes: subscription.eventTypes, rule: subscription.rule } : {},
        null,
        2,
      );
    return layout(
      `Guichet ${guichet.code} — ${guichet.name}`,
      html`${table(
          ['type', 'départements', 'référent', 'canaux', 'état'],
          [
            [
              guichet.type,
              guichet.territory.departments.join(', '),
              guichet.referentEmail,
              channelsOf(guichet),
              guichet.paused ? 'en pause' : 'actif',
            ],
          ],
        )}
        <form
          class="inline"
          method="post"
          action="/guichets/${guichet.code}/${guichet.paused ? 'resume' : 'pause'}"
        >
          <button>${guichet.paused ? 'Reprendre' : 'Mettre en pause'}</button>
        </form>
        <h2>Abonnement</h2>
        ${
          subscription
            ? html`<p>
                  Version ${subscription.version}, modifiée par ${subscription.changedBy} le
                  ${subscription.changedAt}. Événements : ${subscription.eventTypes.join(', ')}
                </p>
                <pre>${JSON.stringify(subscription.rule, null, 2)}</pre>`
            : html`<p>Aucun abonnement.</p>`
        }
        <h2>Webhook</h2>
        ${table(
          ['URL', 'état', 'en échec depuis', 'désactivé'],
          [
            [
              webhook.url ?? '—',
              webhook.enabled ? 'actif' : html`<span class="down">inactif</span>`,
              webhook.failingSince ?? '—',
              webhook.disabledAt ? `${webhook.disabledAt} (${webhook.disabledReason ?? ''})` : '—',
            ],
          ],
        )}
        <h3>Lettres mortes (${deadLetters.deadLetters.length})</h3>
        ${table(
          ['livraison', 'raison', 'essais', 'le', ''],
          deadLetters.deadLetters.map((letter) => [
            letter.deliveryId,
            letter.reason,
            letter.attempts,
            letter.failedAt,
            html`<form
              class="inline"
              method="post"
              action="/guichets/${guichet.code}/dead-letters/${letter.deliveryId}/retry"
            >
              <button>Renvoyer</button>
            </form>`,
          ]),
        )}
        <h2>Essai à blanc d'une règle</h2>
        <form method="post" action="/guichets/${guichet.code}/dry-run">
          <textarea name="draft" rows="14">${draftText}</textarea><button>Essayer</button>
        </form>
        ${
          draft
            ? html`<h3>Résultat</h3>
                <pre>${JSON.stringify(draft.result, null, 2)}</pre>`
            : ''
        }`,
    );
  }

  @Post('guichets/:code/dry-run')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async dryRun(
    @Param('code', GuichetCodePipe) code: string,
    @Body() body: { draft?: unknown },
  ): Promise<string> {
    const text = typeof body?.draft === 'string' ? body.draft : '';
    let result: unknown;
    try {
      result = await this.dispatching.post<DryRunView>(
        `/guichets/${code}/subscription/dry-run`,
        JSON.parse(text) as unknown,
      );
    } catch (error) {
      result =
        error instanceof OperatorApiError
          ? error.body
          : { message: `not JSON: ${(error as Error).message}` };
    }
    return this.renderGuichet(code, { text, result });
  }

  @Post('guichets/:code/dead-letters/:deliveryId/retry')
  @Redirect()
  async retry(
    @Param('code', GuichetCodePipe) code: string,
    @Param('deliveryId', DEAD_LETTER_ID) deliveryId: string,
  ) {
    await this.dispatching.post(`/guichets/${code}/webhook/dead-letters/${deliveryId}/retry`);
    return { url: `/guichets/${code}`, statusCode: 303 };
  }

  @Post('guichets/:code/pause')
  @Redirect()
  pause(@Param('code', GuichetCodePipe) code: string) {
    return this.setPaused(code, 'pause');
  }

  @Post('guichets/:code/resume')
  @Redirect()
  resume(@Param('code', GuichetCodePipe) code: string) {
    return this.setPaused(code, 'resume');
  }

  private async setPaused(code: string, action: 'pause' | 'resume') {
    await this.dispatching.post(`/guichets/${code}/${action}`);
    return { url: `/guichets/${code}`, statusCode: 303 };
  }
}
