import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  boundToTerritory,
  CompiledMatcher,
  DEMAND_FIELDS,
  type MatchDocument,
} from '@sne/matching';
import { MetricsService } from '@sne/platform';
import type { DispatchTerritory } from '@sne/matching';
import type { SubscriptionRevision } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';
import { type SubscriptionChanged, GuichetsService } from '../guichets/guichets.service';
import { DeliveryTopics } from './delivery-topics';

export const SUBSCRIPTION_REFRESH_MS = Symbol('SUBSCRIPTION_REFRESH_MS');

/**
 * Every guichet's current subscription, bounded by its territory (`territory AND rule`), compiled
 * into one matcher. A subscription saved here is taken in before the change is answered, without
 * reading the others again; a poll rebuilds everything from the database when it sees a change
 * made elsewhere (another instance).
 */
@Injectable()
export class SubscriptionIndex implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SubscriptionIndex.name);
  private matcher = CompiledMatcher.compile<SubscriptionRevision>([]);
  /** What the matcher is compiled from: each guichet's current revision and territory. */
  private current = new Map<
    string,
    { revision: SubscriptionRevision; territory: DispatchTerritory }
  >();
  private stamp = '';
  private refreshing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly rebuilds;
  private readonly subscriptions;

  constructor(
    private readonly repository: GuichetRepository,
    guichets: GuichetsService,
    private readonly topics: DeliveryTopics,
    @Inject(SUBSCRIPTION_REFRESH_MS) private readonly refreshMs: number,
    metrics: MetricsService,
  ) {
    this.rebuilds = metrics.counter(
      'sne_dispatch_matcher_rebuilds_total',
      'Times the subscription matcher was rebuilt',
    );
    this.subscriptions = metrics.gauge(
      'sne_dispatch_subscriptions',
      'Subscriptions in the matcher',
    );
    guichets.whenSubscriptionSaved((change) => this.apply(change));
  }

  /** Loaded before any consumer starts (consumers start at application bootstrap). */
  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refreshIfChanged().catch((error: unknown) =>
        this.logger.warn({ msg: 'subscription poll failed', reason: (error as Error).message }),
      );
    }, this.refreshMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The subscriptions whose event types and rule select the document. */
  match(document: MatchDocument): SubscriptionRevision[] {
    return this.matcher.match(document);
  }

  /** Rebuilds from the database now (serialised with any rebuild under way). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.catch(() => undefined).then(() => this.rebuild());
    return this.refreshing;
  }

  /**
   * Takes one saved subscription in: its guichet's entry is replaced and the matcher compiled
   * again from memory (serialised with rebuilds; an older revision than the one held is ignored).
   */
  apply({ guichet, revision }: SubscriptionChanged): Promise<void> {
    this.refreshing = this.refreshing
      .catch(() => undefined)
      .then(async () => {
        const held = this.current.get(guichet.code);
        if (held && held.revision.version >= revision.version) return;
        await this.topics.ensure([guichet.code]);
        if (guichet.retiredAt) this.current.delete(guichet.code);
        else this.current.set(guichet.code, { revision, territory: guichet.territory });
        this.compile();
      });
    return this.refreshing;
  }

  private async refreshIfChanged(): Promise<void> {
    if ((await this.repository.revisionStamp()) !== this.stamp) await this.refresh();
  }

  private async rebuild(): Promise<void> {
    const stamp = await this.repository.revisionStamp();
    const [all, guichets] = await Promise.all([
      this.repository.currentRevisions(),
      this.repository.list(),
    ]);
    // A retired guichet has no territory any more: it matches nothing, whatever its rules.
    const territories = new Map(
      guichets
        .filter((guichet) => !guichet.retiredAt)
        .map((guichet) => [guichet.code, guichet.territory]),
    );
    // Deny by default: a subscription without its guichet has no territory and matches nothing.
    const revisions = all.filter((revision) => territories.has(revision.guichetCode));
    await this.topics.ensure(revisions.map((revision) => revision.guichetCode));
    this.current = new Map(
      revisions.map((revision) => [
        revision.guichetCode,
        { revision, territory: territories.get(revision.guichetCode)! },
      ]),
    );
    this.compile();
    this.stamp = stamp;
    this.logger.log({ msg: 'subscription matcher rebuilt', ...this.matcher.stats() });
  }

  private compile(): void {
    this.matcher = CompiledMatcher.compile(
      [...this.current.values()].map(({ revision, territory }) => ({
        key: revision,
        rule: {
          all: [
            { field: 'event.type', anyOf: revision.eventTypes },
            boundToTerritory(territory, revision.rule),
          ],
        },
      })),
      DEMAND_FIELDS,
    );
    this.rebuilds.inc();
    this.subscriptions.set(this.current.size);
  }
}
