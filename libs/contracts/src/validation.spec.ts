import { createEvent } from './envelope';
import { DemandEventTypes } from './events/demand-events';
import { decodeEvent, encodeEvent, KafkaHeaders } from './kafka-binding';
import { validateEvent } from './validation';

const demand = {
  numeroUnique: '057 1215 073903 10691',
  version: 3,
  state: 'active',
  department: '057',
  guichetCode: '10691',
  depositDate: '2015-12-14',
  applicant: { lastName: 'Lefèvre' },
};

const registered = () =>
  createEvent({
    type: DemandEventTypes.Registered,
    source: '/sne/registration',
    subject: demand.numeroUnique,
    demandVersion: 3,
    correlationId: 'req-42',
    data: { demand },
  });

describe('validateEvent', () => {
  it('accepts a well-formed demand event', () => {
    const result = validateEvent(registered());
    expect(result.ok).toBe(true);
  });

  it('names every missing envelope attribute', () => {
    const { id: _id, source: _source, ...rest } = registered();
    const result = validateEvent(rest);
    expect(result).toEqual({
      ok: false,
      issues: expect.arrayContaining([
        { path: '/id', message: "must have required property 'id'" },
        { path: '/source', message: "must have required property 'source'" },
      ]),
    });
  });

  it('refuses an unknown event type', () => {
    const result = validateEvent({ ...registered(), type: 'sne.demand.exploded.v1' });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '/type', message: 'unknown event type "sne.demand.exploded.v1"' }],
    });
  });

  it('checks the data against the schema of the event type, with the path into data', () => {
    const event = registered();
    const result = validateEvent({
      ...event,
      data: { demand: { ...demand, numeroUnique: '57-1215', state: 'lost' } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['/data/demand/numeroUnique', '/data/demand/state']),
    );
    expect(result.issues.find((issue) => issue.path === '/data/demand/state')?.message).toContain(
      '"awaiting-validation"',
    );
  });

  it('refuses attributes that CloudEvents does not know', () => {
    const result = validateEvent({ ...registered(), Extra: 1 });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '/Extra', message: 'must NOT have additional properties' }],
    });
  });
});

describe('Kafka binding', () => {
  it('keys a message by subject and round-trips the envelope with accents intact', () => {
    const event = registered();
    const message = encodeEvent(event);
    expect(message.key).toBe('057 1215 073903 10691');
    expect(message.headers[KafkaHeaders.CorrelationId]).toBe('req-42');
    expect(message.headers[KafkaHeaders.ContentType]).toBe(
      'application/cloudevents+json; charset=utf-8',
    );
    expect(decodeEvent(message.value)).toEqual({ ok: true, value: event });
  });

  it('reports a value that is not JSON instead of throwing', () => {
    const result = decodeEvent(Buffer.from('{not json'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/^not JSON/);
  });

  it('reports an empty value', () => {
    expect(decodeEvent(null)).toEqual({
      ok: false,
      issues: [{ path: '/', message: 'empty message value' }],
    });
  });

  it('refuses to encode an event type missing from the catalog', () => {
    expect(() => encodeEvent({ ...registered(), type: 'sne.demand.unknown.v1' })).toThrow(
      'unknown event type',
    );
  });
});
