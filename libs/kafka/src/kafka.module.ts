import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@sne/platform';
import { Kafka } from 'kafkajs';
import { EventConsumerFactory } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { kafkaLogCreator } from './kafka-logger';
import { KAFKA_SETTINGS, type KafkaSettings, toKafkaConfig } from './kafka-settings';
import { TopicAdmin } from './topic-admin';

/** Kafka for one app: a publisher, consumer groups with dead letters, topic admin, readiness. */
@Module({})
export class KafkaModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly admin: TopicAdmin,
  ) {}

  static forRoot(settings: KafkaSettings): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_SETTINGS, useValue: settings },
        { provide: Kafka, useFactory: () => new Kafka(toKafkaConfig(settings, kafkaLogCreator)) },
        TopicAdmin,
        EventPublisher,
        EventConsumerFactory,
      ],
      exports: [KAFKA_SETTINGS, TopicAdmin, EventPublisher, EventConsumerFactory],
    };
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'kafka', check: () => this.admin.probe() });
  }
}
