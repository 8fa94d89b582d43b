import { Injectable, Logger } from '@nestjs/common';
import { Clock, NotFoundError } from '@sne/platform';
import { SubscriptionIndex } from '../dispatch/subscription-index';
import type { Guichet } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';
import { GuichetKafkaAccess } from '../kafka-access/guichet-kafka-access';
import { GuichetMachineClients } from '../machine-clients/guichet-machine-clients';

/**
 * A guichet that leaves the register: it receives nothing more (out of the matcher, paused, a
 * last subscription version of no event), its Kafka principal loses its ACLs and password, its
 * machine client is revoked. Its delivery log and history stay, as the trail needs them. Each
 * step is idempotent: a retirement cut short is completed by asking again.
 */
@Injectable()
export class GuichetRetirement {
  private readonly logger = new Logger(GuichetRetirement.name);

  constructor(
    private readonly repository: GuichetRepository,
    private readonly index: SubscriptionIndex,
    private readonly kafkaAccess: GuichetKafkaAccess,
    private readonly machineClients: GuichetMachineClients,
    private readonly clock: Clock,
  ) {}

  async retire(code: string, operator: string): Promise<Guichet> {
    const now = this.clock.now().toISOString();
    if (!(await this.repository.retire(code, now)))
      throw new NotFoundError(`no guichet ${code}`, { code });
    const current = await this.repository.latestRevision(code);
    // Other instances see the change by the revisions' stamp and rebuild without it.
    if (current && current.eventTypes.length > 0)
      await this.repository.insertRevision({
        ...current,
        version: current.version + 1,
        eventTypes: [],
        changedBy: operator,
        changedAt: now,
        comment: 'guichet retired',
      });
    await this.index.refresh();
    const guichet = (await this.repository.find(code))!;
    await this.kafkaAccess.withdraw(guichet);
    if (this.machineClients.enabled) await this.machineClients.revoke(code);
    this.logger.log({ msg: 'guichet retired', guichet: code, operator });
    return guichet;
  }
}
