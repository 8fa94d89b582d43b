import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { type AuditRecordData, encodeEvent, Topics } from '@sne/contracts';
import { EventPublisher, type RawMessage } from '@sne/kafka';
import { MONGO_CONNECTION } from '@sne/persistence';
import { APP_NAME, currentCorrelationId, MetricsService } from '@sne/platform';
import type { Connection } from 'mongoose';
import { AuditOutbox } from './audit-outbox';
import { type AuditEntry, auditRecordOf } from './audit-record';
import { AuditRelay, auditEvent } from './audit-relay';

export const AUDIT_SETTINGS = Symbol('AUDIT_SETTINGS');

export interface AuditSettings {
  /** How often the outbox is swept for entries a crash left unpublished. */
  readonly sweepMs: number;
}

/**
 * Where an app records what it did with personal data and what it refused: the platform's one
 * audit trail, carried by the audit topic to the audit-trail app. An entry is kept before the
 * data goes out, so a read that is not recorded does not happen: in the app's outbox when it
 * has a store (then published in batches), else published to Kafka and acknowledged.
 */
@Injectable()
export class AuditLog implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly outbox: AuditOutbox | undefined;
  private readonly relay: AuditRelay | undefined;

  constructor(
    @Inject(APP_NAME) private readonly app: string,
    private readonly publisher: EventPublisher,
    metrics: MetricsService,
    @Inject(AUDIT_SETTINGS) settings: AuditSettings,
    @Optional() @Inject(MONGO_CONNECTION) connection?: Connection,
  ) {
    if (connection) {
      this.outbox = new AuditOutbox(connection);
      this.relay = new AuditRelay(this.outbox, publisher, metrics, settings.sweepMs);
    }
  }

  async onModuleInit(): Promise<void> {
    await this.outbox?.init();
  }

  onApplicationBootstrap(): void {
    this.relay?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
  }

  /**
   * The entries as messages of the audit topic, for a caller that sends them in its own Kafka
   * request beside what they record (the dispatcher's deliveries): acknowledged together, with
   * no write of their own.
   */
  messagesOf(...entries: AuditEntry[]): { topic: string; messages: RawMessage[] } {
    const correlationId = currentCorrelationId();
    return {
      topic: Topics.AuditTrail,
      messages: entries.map((entry) =>
        encodeEvent(auditEvent(auditRecordOf(entry, this.app, correlationId))),
      ),
    };
  }

  async record(...entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const correlationId = currentCorrelationId();
    const records: AuditRecordData[] = entries.map((entry) =>
      auditRecordOf(entry, this.app, correlationId),
    );
    if (this.outbox && this.relay) {
      await this.outbox.insert(records);
      this.relay.enqueue(records);
    } else {
      await this.publisher.publish(Topics.AuditTrail, ...records.map(auditEvent));
    }
  }
}
