import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type CloudEvent, type DemandEventData, DemandEventTypes, Topics } from '@sne/contracts';
import { EventConsumerFactory, EventPublisher, KafkaModule } from '@sne/kafka';
import { MailModule, MailSender, SmsModule, SmsSender } from '@sne/notifications';
import { MONGO_CONNECTION, PersistenceModule } from '@sne/persistence';
import { currentCorrelationId, PlatformModule, withCorrelationId } from '@sne/platform';
import { QueueFactory, QueuesModule } from '@sne/queues';
import {
  factory,
  isolate,
  SmppSinkClient,
  SmtpSinkClient,
  TestKafka,
  testKafkaSettings,
  testStack,
  waitFor,
} from '@sne/testing';
import type { Queue } from 'bullmq';
import { type Connection, type Model, Schema } from 'mongoose';

/**
 * One event across every real server: a producer app publishes a CloudEvent to Kafka; a consumer
 * app stores it with mongoose in FerretDB and enqueues a BullMQ job on Redis; the job sends a mail
 * over SMTP and an SMS over SMPP, which the test reads back from the sinks.
 */

interface StoredDemand {
  numeroUnique: string;
  version: number;
  email: string;
  mobile: string;
  correlationId: string;
}

interface NoticeJob {
  numeroUnique: string;
  correlationId: string;
}

const stack = testStack();
const isolation = isolate('smoke');
const SMS_TEXT = (numero: string) =>
  `Votre demande de logement social No: xx ${numero} doit être renouvelée. ` +
  'Allez sur www.demande-logement-social.gouv.fr ou à votre guichet habituel.';

@Injectable()
class SmokeNoticeService implements OnApplicationBootstrap {
  readonly demands: Model<StoredDemand>;
  private queue!: Queue<NoticeJob>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    private readonly consumers: EventConsumerFactory,
    private readonly queues: QueueFactory,
    private readonly mail: MailSender,
    private readonly sms: SmsSender,
  ) {
    this.demands = connection.model<StoredDemand>(
      'SmokeDemand',
      new Schema<StoredDemand>({
        numeroUnique: { type: String, required: true, unique: true },
        version: Number,
        email: String,
        mobile: String,
        correlationId: String,
      }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue = this.queues.queue<NoticeJob>('smoke-notices');
    this.queues.worker<NoticeJob>('smoke-notices', (job) =>
      withCorrelationId(job.data.correlationId, () => this.send(job.data.numeroUnique)),
    );
    await this.consumers.start({
      groupId: 'sne.smoke',
      topics: [Topics.DemandEvents],
      handle: (event) => this.onDemandEvent(event as CloudEvent<string, DemandEventData>),
    }).ready;
  }

  private async onDemandEvent(event: CloudEvent<string, DemandEventData>): Promise<void> {
    const { demand } = event.data;
    const contact = demand.contact as { email: string; mobile: string };
    await this.demands.updateOne(
      { numeroUnique: demand.numeroUnique },
      {
        $set: {
          version: demand.version,
          email: contact.email,
          mobile: contact.mobile,
          correlationId: currentCorrelationId(),
        },
      },
      { upsert: true },
    );
    await this.queue.add(
      'notice',
      {
        numeroUnique: demand.numeroUnique,
        correlationId: currentCorrelationId() ?? event.correlationid,
      },
      { jobId: `notice:${demand.numeroUnique}:${demand.version}` },
    );
  }

  private async send(numeroUnique: string): Promise<void> {
    const demand = await this.demands.findOne({ numeroUnique }).lean();
    if (!demand) throw new Error(`demand ${numeroUnique} not stored`);
    await this.mail.send({
      to: demand.email,
      subject: `Renouvellement de votre demande n° ${numeroUnique}`,
      text: `Votre demande n° ${numeroUnique} doit être renouvelée avant sa date anniversaire.`,
      html: `<p>Votre demande n° <b>${numeroUnique}</b> doit être renouvelée.</p>`,
      correlationId: currentCorrelationId(),
    });
    await this.sms.send(demand.mobile, SMS_TEXT(numeroUnique));
  }
}

const platform = (appName: string) => PlatformModule.forRoot({ appName, logLevel: 'silent' });
const kafkaFor = (clientId: string) =>
  KafkaModule.forRoot(testKafkaSettings(clientId, isolation.topicPrefix));

@Module({
  imports: [
    platform('smoke-consumer'),
    kafkaFor('smoke-consumer'),
    PersistenceModule.forRoot({ uri: stack.mongoUri, database: isolation.database }),
    QueuesModule.forRoot({ url: stack.redisUrl, prefix: `${isolation.topicPrefix}sne` }),
    MailModule.forRoot({ url: stack.smtpUrl, from: 'SNE <no-reply@sne.test>', poolSize: 1 }),
    SmsModule.forRoot({
      url: stack.smppUrl,
      systemId: 'sne',
      password: 'sne',
      sender: 'DemLogSoc',
    }),
  ],
  providers: [SmokeNoticeService],
})
class ConsumerAppModule {}

@Module({ imports: [platform('smoke-producer'), kafkaFor('smoke-producer')] })
class ProducerAppModule {}

describe('smoke: one event across Kafka, FerretDB, Redis, SMTP and SMPP', () => {
  const kafka = new TestKafka(isolation.topicPrefix);
  const smtpSink = new SmtpSinkClient(stack.smtpSinkApiUrl);
  const smppSink = new SmppSinkClient(stack.smppSinkApiUrl);
  let producer: TestingModule;
  let consumer: TestingModule;

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    producer = await Test.createTestingModule({ imports: [ProducerAppModule] }).compile();
    consumer = await Test.createTestingModule({ imports: [ConsumerAppModule] }).compile();
    await producer.init();
    await consumer.init();
  });

  afterAll(async () => {
    const demands = consumer?.get(SmokeNoticeService).demands;
    await demands?.db.dropDatabase();
    await consumer?.close();
    await producer?.close();
    await kafka.cleanup();
  });

  it('delivers the mail and the SMS of a published demand event, correlation id included', async () => {
    const demand = factory.demand();
    const contact = demand.contact as { email: string; mobile: string };
    const event = factory.demandEvent(DemandEventTypes.Registered, demand, {
      correlationId: 'smoke-corr-1',
    });

    await producer.get(EventPublisher).publish(Topics.DemandEvents, event);

    const [mail] = await smtpSink.waitForMessages(1, {
      filter: { to: contact.email },
      timeoutMs: 60_000,
    });
    expect(mail?.subject).toBe(`Renouvellement de votre demande n° ${demand.numeroUnique}`);
    expect(mail?.text).toContain('doit être renouvelée avant sa date anniversaire');
    expect(mail?.headers['x-correlation-id']).toBe('smoke-corr-1');

    const msisdn = `33${contact.mobile.slice(1)}`;
    const [sms] = await smppSink.waitForMessages(1, { filter: { to: msisdn }, timeoutMs: 30_000 });
    expect(sms?.text).toBe(SMS_TEXT(demand.numeroUnique));
    expect(sms?.dataCoding).toBe(8);

    const stored = await waitFor(() =>
      consumer
        .get(SmokeNoticeService)
        .demands.findOne({ numeroUnique: demand.numeroUnique })
        .lean(),
    );
    expect(stored).toMatchObject({
      version: 1,
      email: contact.email,
      correlationId: 'smoke-corr-1',
    });
  });
});
