import { auditRecordOf, departmentsOf } from './audit-record';

describe('auditRecordOf', () => {
  const at = new Date('2026-12-07T09:00:00.000Z');

  it('names the caller, deduplicates the numéros and derives their departments', () => {
    const record = auditRecordOf(
      {
        principal: { kind: 'operator', id: 'jdupont', roles: ['national-admin'], territory: 'all' },
        action: 'search-demands',
        channel: 'csv',
        numeroUnique: '057 0101 000001 10691',
        numeroUniques: ['057 0101 000001 10691', '02A 0101 000002 20001', 'pending:abc'],
        at,
      },
      'registration',
      'corr-1',
    );
    expect(record).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      who: 'operator:jdupont',
      action: 'search-demands',
      channel: 'csv',
      app: 'registration',
      numeroUniques: ['057 0101 000001 10691', '02A 0101 000002 20001', 'pending:abc'],
      departments: ['057', '02A'],
      at: '2026-12-07T09:00:00.000Z',
      correlationId: 'corr-1',
    });
  });

  it('bounds a security event by the territory given, and cuts a long detail', () => {
    const record = auditRecordOf(
      {
        principal: 'system:dispatcher',
        action: 'access-refused',
        departments: ['075', '075'],
        guichet: 'P7501',
        detail: 'x'.repeat(600),
        at,
      },
      'dispatching',
      undefined,
    );
    expect(record).toMatchObject({ who: 'system:dispatcher', channel: 'api', guichet: 'P7501' });
    expect(record.departments).toEqual(['075']);
    expect(record.detail).toHaveLength(500);
    expect(record).not.toHaveProperty('correlationId');
  });

  it('keeps the id an act gives, so that a repeated delivery is one entry', () => {
    const entry = {
      id: 'deliver:event-1:P7501',
      principal: 'system:dispatcher',
      action: 'deliver' as const,
      at,
    };
    expect(auditRecordOf(entry, 'dispatching', undefined).id).toBe('deliver:event-1:P7501');
  });

  it('gives each entry its own id', () => {
    const entry = { principal: 'operator:a', action: 'read-demand' as const, at };
    expect(auditRecordOf(entry, 'x', undefined).id).not.toBe(
      auditRecordOf(entry, 'x', undefined).id,
    );
  });
});

describe('departmentsOf', () => {
  it('is the territory of an operator or guichet, nothing for the national level or a system', () => {
    expect(
      departmentsOf({ kind: 'guichet', id: 'P7501', guichetType: 'landlord', territory: ['075'] }),
    ).toEqual(['075']);
    expect(
      departmentsOf({ kind: 'operator', id: 'a', roles: ['national-admin'], territory: 'all' }),
    ).toEqual([]);
    expect(departmentsOf({ kind: 'system', id: 'dispatcher' })).toEqual([]);
    expect(departmentsOf({ kind: 'applicant', id: 'x', email: 'a@example.fr' })).toEqual([]);
  });
});
