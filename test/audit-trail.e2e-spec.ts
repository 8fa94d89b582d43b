import type { INestApplication } from '@nestjs/common';
import { encodeEvent, Topics } from '@sne/contracts';
import { isolate, operatorAuth, TestKafka, waitFor } from '@sne/testing';
import { auditEvent } from '@sne/audit';
import { startAuditTrail } from './support/audit-trail-app';
import type { JsonClient } from './support/dispatching-app';

/**
 * The audit-trail app as the audit topic's one consumer: every app's entries gathered once, a bad
 * message set aside with its reason, and the trail read within the reader's territory.
 */
describe('audit trail', () => {
  const isolation = isolate('audit-trail');
  const kafka = new TestKafka(isolation.topicPrefix);
  let app: INestApplication;
  let client: JsonClient;
  const entry = (id: string, departments: string[], numeroUniques: string[]) => ({
    id,
    who: 'guichet:10691',
    action: 'read-demand' as const,
    channel: 'api' as const,
    app: 'registration',
    numeroUniques,
    departments,
    at: new Date().toISOString(),
  });

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    ({ app, client } = await startAuditTrail(isolation));
  });

  afterAll(async () => {
    await app?.close();
    await kafka.cleanup();
  });

  it('keeps an entry published twice once, and sets a bad message aside', async () => {
    const producer = kafka.kafka.producer();
    await producer.connect();
    const moselle = entry('entry-moselle', ['057'], ['057 0101 000001 10691']);
    const message = encodeEvent(auditEvent(moselle));
    const deadLetters = await kafka.collect(Topics.DeadLetter);
    await producer.send({
      topic: kafka.topic(Topics.AuditTrail),
      messages: [
        message,
        { key: 'bad', value: Buffer.from('{"not":"an event"}') },
        message,
        encodeEvent(auditEvent(entry('entry-paris', ['075'], ['075 0101 000002 P7501']))),
      ],
    });
    await producer.disconnect();

    const admin = operatorAuth();
    const all = await waitFor(async () => {
      const trail = await client('GET', '/audit?who=guichet:10691', undefined, admin);
      return trail.body.entries.length >= 2 && (trail.body.entries as Array<{ id: string }>);
    });
    expect(all.map((kept) => kept.id).sort()).toEqual(['entry-moselle', 'entry-paris']);
    const [deadLetter] = await deadLetters.waitForCount(1);
    expect(deadLetter.key?.toString()).toBe('bad');

    const metz = operatorAuth('manager.metz', ['territorial-manager'], ['057']);
    const asMetz = await client('GET', '/audit?who=guichet:10691', undefined, metz);
    expect(asMetz.body.entries).toEqual([expect.objectContaining(moselle)]);
    expect((await client('GET', '/audit?action=nope', undefined, admin)).status).toBe(400);
  });
});
