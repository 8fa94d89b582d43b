import { Injectable } from '@nestjs/common';
import { guichetDeliveryTopic } from '@sne/contracts';
import { TopicAdmin } from '@sne/kafka';

export const DELIVERY_TOPIC_PARTITIONS = 3;
export const DELIVERY_TOPIC_RETENTION_DAYS = 14;

/** Each guichet's delivery log: one topic, created before anything is delivered to it. */
@Injectable()
export class DeliveryTopics {
  private readonly known = new Set<string>();

  constructor(private readonly admin: TopicAdmin) {}

  async ensure(guichetCodes: readonly string[]): Promise<void> {
    const missing = guichetCodes.filter((code) => !this.known.has(code));
    if (missing.length === 0) return;
    await this.admin.ensureTopics(
      missing.map((code) => ({
        name: guichetDeliveryTopic(code),
        partitions: DELIVERY_TOPIC_PARTITIONS,
        retentionDays: DELIVERY_TOPIC_RETENTION_DAYS,
      })),
    );
    for (const code of missing) this.known.add(code);
  }
}
