import { AuditLog, type SystemActor } from '@sne/audit';
import { Injectable } from '@nestjs/common';
import {
  type CloudEvent,
  deliveryIdOf,
  type GuichetDelivery,
  guichetDeliveryTopic,
  KafkaHeaders,
} from '@sne/contracts';
import { EventPublisher, type RawMessage } from '@sne/kafka';
import { Clock, MetricsService } from '@sne/platform';
import { DemandStateRepository, isDemandEvent } from './demand-state.repository';
import { matchDocument } from './match-document';
import { RecentEventsRepository } from './recent-events.repository';
import { SubscriptionIndex } from './subscription-index';

const DISPATCHER: SystemActor = { kind: 'system', id: 'dispatcher' };

export const DELIVERY_ID_HEADER = 'delivery-id';

/**
 * Fans one event out: records the demand's state, matches the event against every subscription,
 * and appends one delivery to each selected guichet's log, keyed by the demand so that each
 * guichet sees one demand's events in order. Resolves only when every log has its delivery.
 */
@Injectable()
export class DispatcherService {
  private readonly deliveries;
  private readonly matchedPerEvent;
  private readonly matchSeconds;

  constructor(
    private readonly index: SubscriptionIndex,
    private readonly states: DemandStateRepository,
    private readonly recentEvents: RecentEventsRepository,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    metrics: MetricsService,
  ) {
    this.deliveries = metrics.counter(
      'sne_dispatch_deliveries_total',
      'Deliveries appended to guichet logs',
    );
    this.matchedPerEvent = metrics.histogram(
      'sne_dispatch_guichets_per_event',
      'Guichets selected per event',
      [],
      [0, 1, 2, 5, 10, 20, 50, 100, 200, 500],
    );
    this.matchSeconds = metrics.histogram(
      'sne_dispatch_match_seconds',
      'Time to match one event against every subscription',
      [],
      [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01],
    );
  }

  async dispatch(event: CloudEvent): Promise<GuichetDelivery[]> {
    // A demand event carries its demand: recording it need not come before matching.
    const recording = isDemandEvent(event)
      ? this.states.record(event, this.clock.now())
      : Promise.resolve();
    // Awaited below; this only keeps a failure from being unhandled if matching throws first.
    recording.catch(() => undefined);
    const document = matchDocument(event, await this.states.demandOf(event));
    const stopTimer = this.matchSeconds.startTimer();
    const selected = this.index
      .match(document)
      .filter((revision) => revision.includeOwnEvents || revision.guichetCode !== event.guichet);
    stopTimer();
    this.matchedPerEvent.observe(selected.length);

    const dispatchedAt = this.clock.now().toISOString();
    const deliveries = selected.map((revision): GuichetDelivery => ({
      deliveryId: deliveryIdOf(event.id, revision.guichetCode),
      guichetCode: revision.guichetCode,
      subscriptionVersion: revision.version,
      dispatchedAt,
      event,
    }));
    // Independent writes, all awaited before the offset is committed: a crash repeats them all.
    // The deliveries' audit entries go in the same Kafka request as the deliveries, by delivery
    // id: acknowledged with them, kept once by the trail however often a crash repeats them.
    const audited = this.audit.messagesOf(
      ...deliveries.map((delivery) => ({
        id: `deliver:${delivery.deliveryId}`,
        principal: DISPATCHER,
        action: 'deliver' as const,
        channel: 'kafka' as const,
        numeroUnique: event.subject,
        guichet: delivery.guichetCode,
        at: this.clock.now(),
      })),
    );
    await Promise.all([
      recording,
      this.recentEvents.record(event, document),
      this.publisher.sendBatch([
        ...deliveries.map((delivery) => ({
          topic: guichetDeliveryTopic(delivery.guichetCode),
          messages: [toDeliveryMessage(delivery)],
        })),
        audited,
      ]),
    ]);
    this.deliveries.inc(deliveries.length);
    return deliveries;
  }
}

export function toDeliveryMessage(delivery: GuichetDelivery): RawMessage {
  return {
    key: delivery.event.subject,
    value: Buffer.from(JSON.stringify(delivery), 'utf8'),
    headers: {
      [KafkaHeaders.ContentType]: 'application/json; charset=utf-8',
      [KafkaHeaders.CorrelationId]: delivery.event.correlationid,
      [KafkaHeaders.EventType]: delivery.event.type,
      [DELIVERY_ID_HEADER]: delivery.deliveryId,
    },
  };
}
