import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { placesOutsideTerritory, pruneToTerritory } from '@sne/matching';
import { Clock, MetricsService } from '@sne/platform';
import { SubscriptionIndex } from './subscription-index';
import type { SubscriptionRevision } from '../guichets/guichet';
import { GuichetRepository } from '../guichets/guichet.repository';

export const TERRITORY_MIGRATION_AUTHOR = 'system:territory-migration';

/**
 * At start, every current subscription whose rule selects places outside its guichet's
 * territory is reported and fixed: a new revision keeps the rule without those places (the
 * matcher never let them through; the stored rule now says so too). Several instances may run
 * it at once: a revision number is taken once, and the loser finds the rule already fixed.
 */
@Injectable()
export class TerritoryMigration implements OnModuleInit {
  private readonly logger = new Logger(TerritoryMigration.name);
  private readonly fixed;

  constructor(
    private readonly repository: GuichetRepository,
    private readonly index: SubscriptionIndex,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.fixed = metrics.counter(
      'sne_dispatch_territory_rules_fixed_total',
      'Stored subscriptions pruned to their guichet territory at start',
    );
  }

  async onModuleInit(): Promise<void> {
    const fixed = await this.run();
    if (fixed.length > 0) await this.index.refresh();
  }

  /** The revisions it saved. */
  async run(): Promise<SubscriptionRevision[]> {
    const guichets = new Map(
      (await this.repository.list()).map((guichet) => [guichet.code, guichet]),
    );
    const saved: SubscriptionRevision[] = [];
    for (const current of await this.repository.currentRevisions()) {
      const guichet = guichets.get(current.guichetCode);
      if (!guichet) continue;
      const outside = placesOutsideTerritory(current.rule, guichet.territory);
      if (outside.length === 0) continue;
      const revision: SubscriptionRevision = {
        ...current,
        version: current.version + 1,
        rule: pruneToTerritory(current.rule, guichet.territory),
        changedBy: TERRITORY_MIGRATION_AUTHOR,
        changedAt: this.clock.now().toISOString(),
        comment: `removed places outside the territory: ${outside.map((place) => place.value).join(', ')}`,
      };
      const won = await this.repository.insertRevision(revision);
      this.logger.warn({
        msg: 'subscription selected places outside its territory',
        guichet: guichet.code,
        version: current.version,
        outside: outside.map(({ path, value }) => ({ path, value })),
        fixedAs: won ? revision.version : 'by another instance',
      });
      if (won) {
        saved.push(revision);
        this.fixed.inc();
      }
    }
    return saved;
  }
}
