import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type AuditRecordData, AuditEventTypes, Topics } from '@sne/contracts';
import { EventConsumerFactory, type RunningConsumer } from '@sne/kafka';
import { AuditTrailRepository } from './audit-trail.repository';

export const AUDIT_TRAIL_GROUP = 'sne.audit-trail';

/** The audit topic → the trail, a fetched batch at a time (one bulk insert). */
@Injectable()
export class AuditTrailConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: RunningConsumer | undefined;

  constructor(
    private readonly consumers: EventConsumerFactory,
    private readonly trail: AuditTrailRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers.start({
      groupId: AUDIT_TRAIL_GROUP,
      topics: [Topics.AuditTrail],
      fromBeginning: true,
      concurrency: 3,
      handle: async (event) => {
        if (event.type !== AuditEventTypes.Recorded) return;
        await this.trail.keep([event.data as AuditRecordData]);
      },
      handleBatch: async (items) => {
        await this.trail.keep(
          items
            .filter(({ value }) => value.type === AuditEventTypes.Recorded)
            .map(({ value }) => value.data as AuditRecordData),
        );
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }
}
