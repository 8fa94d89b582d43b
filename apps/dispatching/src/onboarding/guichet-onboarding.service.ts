import { Inject, Injectable, Logger } from '@nestjs/common';
import { type DispatchTerritory, isNationalTerritory } from '@sne/matching';
import { departmentOfCommune } from '@sne/domain';
import { Clock, ConflictError, RuleViolationError } from '@sne/platform';
import { DeliveryTopics } from '../dispatch/delivery-topics';
import type { Guichet, NewGuichet } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';
import { GuichetKafkaAccess } from '../kafka-access/guichet-kafka-access';
import { WebhookDestinations } from '../webhooks/webhook-destinations';
import { WebhookEndpointRepository } from '../webhooks/webhook-endpoint.repository';
import { WEBHOOK_SETTINGS, type WebhookSettings } from '../webhooks/webhook-settings';

/**
 * A new guichet with everything it receives through: its delivery log, its principal's ACLs on
 * the broker, and a webhook's first signing secret. Each is in place before the guichet is
 * stored, so a stored guichet never lacks one (no transaction needed).
 */
@Injectable()
export class GuichetOnboarding {
  private readonly logger = new Logger(GuichetOnboarding.name);

  constructor(
    private readonly repository: GuichetRepository,
    private readonly topics: DeliveryTopics,
    private readonly kafkaAccess: GuichetKafkaAccess,
    private readonly clock: Clock,
    private readonly webhookEndpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_SETTINGS) private readonly webhookSettings: WebhookSettings,
    private readonly webhookDestinations: WebhookDestinations,
  ) {}

  /**
   * A guichet with a webhook gets its first signing secret here, shown this once. A national
   * territory is an explicit mandate, logged with who granted it.
   */
  async create(
    input: NewGuichet,
    createdBy: string,
  ): Promise<Guichet & { webhookSecret?: string }> {
    checkTerritory(input.territory);
    if (input.channels.webhook) await this.webhookDestinations.check(input.channels.webhook.url);
    const guichet: Guichet = { ...input, paused: false, createdAt: this.clock.now().toISOString() };
    await this.topics.ensure([guichet.code]);
    await this.kafkaAccess.apply(guichet);
    if (!(await this.repository.insert(guichet))) {
      const existing = await this.repository.find(guichet.code);
      // The ACLs just set are put back to what the stored guichet's channels say.
      if (existing) await this.kafkaAccess.apply(existing);
      throw new ConflictError(`guichet ${guichet.code} exists already`, { code: guichet.code });
    }
    this.logger.log({
      msg: isNationalTerritory(guichet.territory)
        ? 'guichet created with a national territory'
        : 'guichet created',
      guichet: guichet.code,
      createdBy,
      ...(isNationalTerritory(guichet.territory)
        ? { mandate: guichet.territory.national.mandate }
        : {}),
    });
    if (!guichet.channels.webhook) return guichet;
    const webhookSecret = await this.webhookEndpoints.rotateSecret(
      guichet.code,
      this.clock.now(),
      this.webhookSettings.secretGraceMs,
    );
    return { ...guichet, webhookSecret };
  }
}

/** The communes of a territory lie in its departments. */
function checkTerritory(territory: DispatchTerritory): void {
  if (isNationalTerritory(territory) || !territory.communes) return;
  const issues = territory.communes.flatMap((commune, index) => {
    const department = departmentOfCommune(commune);
    return department && territory.departments.includes(department)
      ? []
      : [
          {
            path: `/territory/communes/${index}`,
            message: `commune ${commune} is not in the territory's departments`,
          },
        ];
  });
  if (issues.length > 0)
    throw new RuleViolationError("the territory's communes lie outside its departments", issues);
}
