import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { guichetConsumerGroup, guichetDeliveryTopic } from '@sne/contracts';
import {
  type AclBinding,
  aclChanges,
  GUICHET_PRINCIPAL_PREFIX,
  guichetAcls,
  guichetUser,
  KAFKA_SETTINGS,
  KafkaAccessAdmin,
  type KafkaSettings,
  principalOf,
} from '@sne/kafka';
import { ConflictError } from '@sne/platform';
import { randomBytes } from 'node:crypto';
import type { Guichet } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';

export interface KafkaCredentials {
  readonly mechanism: 'SCRAM-SHA-512';
  readonly username: string;
  /** Shown this once; the broker keeps only a salted hash. */
  readonly password: string;
  readonly topic: string;
  readonly consumerGroup: string;
}

/**
 * Each guichet's principal on the broker reads its own delivery log and nothing else: its ACLs
 * exist while its Kafka channel is enabled, are set before the guichet is stored, and are
 * reconciled with the stored guichets at every start (those of guichets without the channel,
 * or no longer stored, are removed with their credentials).
 */
@Injectable()
export class GuichetKafkaAccess implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GuichetKafkaAccess.name);
  private readonly admin: KafkaAccessAdmin;

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly guichets: GuichetRepository,
  ) {
    this.admin = new KafkaAccessAdmin(settings);
  }

  async onApplicationBootstrap(): Promise<void> {
    const report = await this.reconcile(await this.guichets.list());
    this.logger.log({ msg: 'guichet Kafka ACLs reconciled', ...report });
  }

  onModuleDestroy(): Promise<void> {
    return this.admin.close();
  }

  /** Makes the broker's ACLs of one guichet what its channels say. */
  async apply(guichet: Pick<Guichet, 'code' | 'channels' | 'retiredAt'>): Promise<void> {
    const principal = principalOf(guichetUser(guichet.code));
    const current = (await this.admin.aclsOfPrincipal(principal)).filter((acl) =>
      this.underPrefix(acl),
    );
    const changes = aclChanges(current, this.desired(guichet));
    await this.admin.createAcls(changes.create);
    await this.admin.deleteAcls(changes.remove);
  }

  /** All guichets at once: one read of the ACLs, one creation and one deletion request. */
  async reconcile(
    guichets: ReadonlyArray<Pick<Guichet, 'code' | 'channels' | 'retiredAt'>>,
  ): Promise<{ granted: number; revoked: number }> {
    const current = (await this.admin.aclsOf(GUICHET_PRINCIPAL_PREFIX)).filter((acl) =>
      this.underPrefix(acl),
    );
    const changes = aclChanges(
      current,
      guichets.flatMap((guichet) => this.desired(guichet)),
    );
    await this.admin.createAcls(changes.create);
    await this.admin.deleteAcls(changes.remove);
    const keep = new Set(
      guichets
        .filter((guichet) => receivesByKafka(guichet))
        .map((guichet) => principalOf(guichetUser(guichet.code))),
    );
    const gone = new Set(
      changes.remove.map((acl) => acl.principal).filter((principal) => !keep.has(principal)),
    );
    for (const principal of gone) await this.admin.deleteScramUser(principal.slice('User:'.length));
    return { granted: changes.create.length, revoked: changes.remove.length };
  }

  /** A retired guichet's principal: its ACLs and its SCRAM user removed. */
  async withdraw(guichet: Pick<Guichet, 'code' | 'channels' | 'retiredAt'>): Promise<void> {
    await this.apply(guichet);
    await this.admin.deleteScramUser(guichetUser(guichet.code));
  }

  /** New credentials for the guichet's principal; the previous password stops working at once. */
  async issueCredentials(
    guichet: Pick<Guichet, 'code' | 'channels' | 'retiredAt'>,
  ): Promise<KafkaCredentials> {
    if (!receivesByKafka(guichet))
      throw new ConflictError(`guichet ${guichet.code} does not receive by Kafka`, {
        code: guichet.code,
      });
    await this.apply(guichet);
    const username = guichetUser(guichet.code);
    const password = randomBytes(24).toString('base64url');
    await this.admin.setScramPassword(username, password);
    this.logger.log({ msg: 'guichet Kafka credentials issued', guichet: guichet.code });
    return {
      mechanism: 'SCRAM-SHA-512',
      username,
      password,
      topic: `${this.settings.topicPrefix}${guichetDeliveryTopic(guichet.code)}`,
      consumerGroup: `${this.settings.topicPrefix}${guichetConsumerGroup(guichet.code)}`,
    };
  }

  private desired(guichet: Pick<Guichet, 'code' | 'channels' | 'retiredAt'>): AclBinding[] {
    return receivesByKafka(guichet) ? guichetAcls(guichet.code, this.settings.topicPrefix) : [];
  }

  /** Test runs share a broker under different prefixes: each reconciles only its own. */
  private underPrefix(acl: AclBinding): boolean {
    return acl.resourceName.startsWith(`${this.settings.topicPrefix}sne.guichet.`);
  }
}

const receivesByKafka = (guichet: Pick<Guichet, 'channels' | 'retiredAt'>) =>
  guichet.channels.kafka.enabled && !guichet.retiredAt;
