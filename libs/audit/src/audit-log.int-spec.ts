import { Test, type TestingModule } from '@nestjs/testing';
import { KafkaModule } from '@sne/kafka';
import { MONGO_CONNECTION, PersistenceModule } from '@sne/persistence';
import { PlatformModule } from '@sne/platform';
import { isolate, TestKafka, testKafkaSettings, testStack, waitFor } from '@sne/testing';
import { type Connection, createConnection } from 'mongoose';
import { AuditLog } from './audit-log';
import { AuditModule } from './audit.module';

describe(AuditLog.name, () => {
  const isolation = isolate('audit-log');
  const kafka = new TestKafka(isolation.topicPrefix);
  let moduleRef: TestingModule;
  let connection: Connection;
  const outbox = () => connection.collection('audit_outbox');

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    // What a crash left: an entry kept in the outbox, never published.
    const before = await createConnection(testStack().mongoUri, {
      dbName: isolation.database,
    }).asPromise();
    await before.collection<{ _id: string; [field: string]: unknown }>('audit_outbox').insertOne({
      _id: 'left-by-a-crash',
      who: 'operator:before.the.crash',
      action: 'read-demand',
      channel: 'api',
      app: 'registration',
      numeroUniques: ['057 0101 000001 10691'],
      departments: ['057'],
      at: '2026-12-07T08:00:00.000Z',
    });
    await before.close();
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'registration', logLevel: 'silent' }),
        KafkaModule.forRoot(testKafkaSettings('audit-log-test', isolation.topicPrefix)),
        PersistenceModule.forRoot({ uri: testStack().mongoUri, database: isolation.database }),
        AuditModule.forRoot({ sweepMs: 200 }),
      ],
    }).compile();
    await moduleRef.init();
    connection = moduleRef.get(MONGO_CONNECTION);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await moduleRef.close();
    await kafka.cleanup();
  });

  it('publishes what a crash left in the outbox, then empties it', async () => {
    const [entry] = await kafka.auditEntries((candidate) => candidate.id === 'left-by-a-crash');
    expect(entry).toMatchObject({ who: 'operator:before.the.crash', departments: ['057'] });
    await waitFor(
      async () => (await outbox().countDocuments({ _id: 'left-by-a-crash' as never })) === 0,
      {
        description: 'the published entry removed from the outbox',
      },
    );
  });

  it('keeps an entry before it returns, then carries it to the audit topic', async () => {
    const numero = '057 0101 000002 10691';
    await moduleRef.get(AuditLog).record(
      {
        principal: { kind: 'guichet', id: '10691', guichetType: 'landlord', territory: ['057'] },
        action: 'read-demand',
        numeroUnique: numero,
        at: new Date(),
      },
      {
        principal: { kind: 'system', id: 'dispatcher' },
        action: 'deliver',
        channel: 'kafka',
        numeroUniques: [numero, '075 0101 000003 P7501'],
        guichet: 'P7501',
        at: new Date(),
      },
    );
    const entries = await kafka.auditEntries((entry) => entry.numeroUniques.includes(numero), 2);
    const byWho = new Map(entries.map((entry) => [entry.who, entry]));
    expect(byWho.get('guichet:10691')).toMatchObject({
      action: 'read-demand',
      channel: 'api',
      app: 'registration',
      departments: ['057'],
    });
    expect(byWho.get('system:dispatcher')).toMatchObject({
      action: 'deliver',
      channel: 'kafka',
      guichet: 'P7501',
    });
    expect([...byWho.get('system:dispatcher')!.departments].sort()).toEqual(['057', '075']);
    await waitFor(async () => (await outbox().countDocuments()) === 0, {
      description: 'the outbox emptied',
    });
  });
});
