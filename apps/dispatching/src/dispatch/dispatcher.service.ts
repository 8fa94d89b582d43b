import { AuditLog, type SystemActor } from '@sne/audit';
import { Injectable } from '@nestjs/common';
import {
  type CloudEvent,
  deliveryIdOf,
  type GuichetDelivery,
  guichetDeliveryTopic,
  KafkaHeaders,
  Topics,
} from '@sne/contracts';
import { EventPublisher, type RawMessage } from '@sne/kafka';
import { Clock, MetricsService, normalizeCorrelationId, withCorrelationId } from '@sne/platform';
import { DemandStateRepository, isDemandEvent } from './demand-state.repository';
import { matchDocument } from './match-document';
import { RecentEventsRepository } from './recent-events.repository';
import { SubscriptionIndex } from './subscription-index';

const DISPATCHER: SystemActor = { kind: 'system', id: 'dispatcher' };

export const DELIVERY_ID_HEADER = 'delivery-id';

/**
 * Fans events out: records each demand's state, matches every event against every subscription,
 * and appends one delivery to each selected guichet's log, keyed by the demand so that each
 * guichet sees one demand's events in order. Takes a fetched batch at a time (one partition's
 * events, in order): one read of the stored versions, one bulk write of the projection, one bulk
 * insert of the recent events and one Kafka request for every delivery and its audit entry.
 * Resolves only when all of them are durable, so a crash before that repeats the whole batch,
 * under the same delivery ids.
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
    return this.dispatchAll([event]);
  }

  /** One partition's events, in order: their deliveries, in the same order. */
  async dispatchAll(events: readonly CloudEvent[]): Promise<GuichetDelivery[]> {
    // Demand events carry their demand: recording them need not come before matching.
    const recording = this.states.record(events.filter(isDemandEvent), this.clock.now());
    // Awaited below; this only keeps a failure from being unhandled if matching throws first.
    recording.catch(() => undefined);
    const demands = await this.states.demandsOf(events);
    const dispatchedAt = this.clock.now().toISOString();
    const matched = events.map((event, i) => ({
      event,
      document: matchDocument(event, demands[i]),
    }));
    const deliveries = matched.flatMap(({ event, document }) => {
      const stopTimer = this.matchSeconds.startTimer();
      const selected = this.index
        .match(document)
        .filter((revision) => revision.includeOwnEvents || revision.guichetCode !== event.guichet);
      stopTimer();
      this.matchedPerEvent.observe(selected.length);
      return selected.map((revision): GuichetDelivery => ({
        deliveryId: deliveryIdOf(event.id, revision.guichetCode),
        guichetCode: revision.guichetCode,
        subscriptionVersion: revision.version,
        dispatchedAt,
        event,
      }));
    });
    // Independent writes, all awaited before the offsets are committed: a crash repeats them all.
    // The deliveries' audit entries go in the same Kafka request as the deliveries, by delivery
    // id: acknowledged with them, kept once by the trail however often a crash repeats them.
    const audited = {
      topic: Topics.AuditTrail,
      // Each entry under its event's correlation id: a batch mixes events of many requests.
      messages: deliveries.flatMap(
        (delivery) =>
          withCorrelationId(normalizeCorrelationId(delivery.event.correlationid), () =>
            this.audit.messagesOf({
              id: `deliver:${delivery.deliveryId}`,
              principal: DISPATCHER,
              action: 'deliver',
              channel: 'kafka',
              numeroUnique: delivery.event.subject,
              guichet: delivery.guichetCode,
              at: this.clock.now(),
            }),
          ).messages,
      ),
    };
    await Promise.all([
      recording,
      this.recentEvents.record(matched),
      this.publisher.sendBatch([...byTopic(deliveries), audited]),
    ]);
    this.deliveries.inc(deliveries.length);
    return deliveries;
  }
}

/** The deliveries grouped by guichet log, each log's in the order given. */
function byTopic(
  deliveries: readonly GuichetDelivery[],
): Array<{ topic: string; messages: RawMessage[] }> {
  const topics = new Map<string, RawMessage[]>();
  for (const delivery of deliveries) {
    const topic = guichetDeliveryTopic(delivery.guichetCode);
    let messages = topics.get(topic);
    if (!messages) topics.set(topic, (messages = []));
    messages.push(toDeliveryMessage(delivery));
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
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
