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
import type { SubscriptionRevision } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';
import { DeliveryTopics } from './delivery-topics';

export const SUBSCRIPTION_REFRESH_MS = Symbol('SUBSCRIPTION_REFRESH_MS');

/**
 * Every guichet's current subscription, bounded by its territory (`territory AND rule`), compiled
 * into one matcher. Rebuilt when a subscription
 * changes here, and when a poll sees that one changed elsewhere (another instance).
 */
@Injectable()
export class SubscriptionIndex implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SubscriptionIndex.name);
  private matcher = CompiledMatcher.compile<SubscriptionRevision>([]);
  private stamp = '';
  private refreshing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly rebuilds;
  private readonly subscriptions;

  constructor(
    private readonly repository: GuichetRepository,
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
    this.matcher = CompiledMatcher.compile(
      revisions.map((revision) => ({
        key: revision,
        rule: {
          all: [
            { field: 'event.type', anyOf: revision.eventTypes },
            boundToTerritory(territories.get(revision.guichetCode)!, revision.rule),
          ],
        },
      })),
      DEMAND_FIELDS,
    );
    this.stamp = stamp;
    this.rebuilds.inc();
    this.subscriptions.set(revisions.length);
    this.logger.log({ msg: 'subscription matcher rebuilt', ...this.matcher.stats() });
  }
}
