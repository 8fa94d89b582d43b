import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuditLog } from '@sne/audit';
import { deliveryIdOf, guichetDeliveryTopic } from '@sne/contracts';
import { EventPublisher } from '@sne/kafka';
import {
  boundToTerritory,
  CompiledMatcher,
  DEMAND_FIELDS,
  type DispatchTerritory,
  necessaryValues,
  type Rule,
} from '@sne/matching';
import { Clock, MetricsService } from '@sne/platform';
import { DemandStateRepository } from '../dispatch/demand-state.repository';
import { toDeliveryMessage } from '../dispatch/dispatcher.service';
import { matchDocument } from '../dispatch/match-document';
import type { SubscriptionRevision } from '../guichets/guichet';
import { GuichetsService, type SubscriptionChanged } from '../guichets/guichets.service';

const BATCH = 200;

/**
 * When a guichet joins or widens its rule, the active demands it now selects (and did not under
 * its previous rule) are delivered to it: each demand's latest event, with the usual delivery id,
 * so a demand it already had is recognised. Receivers order by demand version. Only the demands of
 * the guichet's territory are read and delivered.
 */
@Injectable()
export class BackfillService implements OnModuleInit {
  private readonly logger = new Logger(BackfillService.name);
  private readonly backfilled;

  constructor(
    private readonly states: DemandStateRepository,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly guichets: GuichetsService,
    metrics: MetricsService,
  ) {
    this.backfilled = metrics.counter(
      'sne_dispatch_backfilled_total',
      'Deliveries made by backfills',
    );
  }

  onModuleInit(): void {
    this.guichets.onSubscriptionChanged((change) => this.backfillChange(change));
  }

  async backfill(
    revision: SubscriptionRevision,
    territory: DispatchTerritory,
    options: { requestedBy: string; previousRule?: Rule },
  ): Promise<{ delivered: number; examined: number }> {
    const previousRule = options.previousRule;
    const bounded = boundToTerritory(territory, revision.rule);
    const now = matcherFor(bounded);
    const before = previousRule ? matcherFor(boundToTerritory(territory, previousRule)) : undefined;
    const departments = necessaryValues(bounded, 'demand.department') as
      ReadonlySet<string> | undefined;
    const topic = guichetDeliveryTopic(revision.guichetCode);
    let batch: ReturnType<typeof toDeliveryMessage>[] = [];
    let delivered = 0;
    let examined = 0;
    let numeros: string[] = [];
    const flush = async () => {
      await this.audit.record({
        principal: options.requestedBy,
        action: 'backfill',
        channel: 'kafka',
        numeroUniques: numeros,
        guichet: revision.guichetCode,
        at: this.clock.now(),
      });
      await this.publisher.sendBatch([{ topic, messages: batch }]);
      numeros = [];
      delivered += batch.length;
      batch = [];
    };
    for await (const { snapshot, lastEvent } of this.states.active(departments)) {
      examined++;
      if (lastEvent.guichet === revision.guichetCode && !revision.includeOwnEvents) continue;
      const document = matchDocument(lastEvent, snapshot);
      if (now.match(document).length === 0 || (before && before.match(document).length > 0))
        continue;
      numeros.push(snapshot.numeroUnique);
      batch.push(
        toDeliveryMessage({
          deliveryId: deliveryIdOf(lastEvent.id, revision.guichetCode),
          guichetCode: revision.guichetCode,
          subscriptionVersion: revision.version,
          dispatchedAt: this.clock.now().toISOString(),
          event: lastEvent,
        }),
      );
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    this.backfilled.inc(delivered);
    this.logger.log({
      msg: 'backfill done',
      guichet: revision.guichetCode,
      version: revision.version,
      delivered,
      examined,
    });
    return { delivered, examined };
  }

  /** Demands the guichet now selects and did not before reach it in the background. */
  private backfillChange({ guichet, revision, previous, operator }: SubscriptionChanged): void {
    this.backfill(revision, guichet.territory, {
      requestedBy: operator,
      ...(previous ? { previousRule: previous.rule } : {}),
    }).catch((error: unknown) =>
      this.logger.error({
        msg: 'backfill failed',
        guichet: guichet.code,
        reason: (error as Error).message,
      }),
    );
  }
}

const matcherFor = (rule: Rule) => CompiledMatcher.compile([{ key: true, rule }], DEMAND_FIELDS);
