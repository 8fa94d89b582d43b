import type { DemandSnapshot } from '@sne/contracts';
import { aDemand, anAssociationDemandInput, plannedNotices } from '@sne/domain';
import { addressLines, calendarEntryOf } from './calendar-entry';

const snapshot = (overrides: Record<string, unknown> = {}): DemandSnapshot =>
  ({ ...aDemand(), guichetCode: '10691', ...overrides }) as unknown as DemandSnapshot;

describe(calendarEntryOf.name, () => {
  it('reads the calendar, the contacts and the envelope of a person’s demand', () => {
    const entry = calendarEntryOf(
      snapshot({
        renewals: [
          {
            date: '2026-05-10',
            online: true,
            guichetCode: '10691',
            nextAnniversaryDate: '2027-05-26',
          },
        ],
      }),
    );
    expect(entry).toMatchObject({
      numeroUnique: '057 0525 000123 10691',
      version: 1,
      department: '057',
      subject: {
        depositDate: '2025-05-26',
        anniversaryDate: '2026-05-26',
        renewals: [{ date: '2026-05-10', online: true }],
        reactivations: [],
        createdOnline: false,
        hasEmail: true,
        hasMobile: true,
        smsConsent: true,
        state: 'active',
      },
      recipient: {
        name: 'Madame Camille LEFÈVRE',
        email: 'camille.lefevre@example.fr',
        mobile: '0612345678',
        address: ['12 rue des Jardins', '57000 METZ'],
      },
    });
  });

  it('plans a plain letter for a demand without email or mobile', () => {
    const entry = calendarEntryOf(snapshot({ contact: { homePhone: '0387000000' } }));
    expect(entry.recipient).not.toHaveProperty('email');
    expect(plannedNotices(entry.subject).map((notice) => notice.kind)).toEqual([
      'plain-letter',
      'registered-letter',
      'radiation-for-non-renewal',
    ]);
  });

  it('names an association by its name', () => {
    const entry = calendarEntryOf(snapshot({ ...anAssociationDemandInput() }));
    expect(entry.recipient.name).toBe(anAssociationDemandInput().applicant.name);
  });

  it('never fails on a snapshot whose CERFA part is missing or malformed', () => {
    const entry = calendarEntryOf(
      snapshot({
        contact: 'none',
        applicant: null,
        postalAddress: 42,
        renewals: 'x',
        radiation: [],
      }),
    );
    expect(entry.subject).toMatchObject({ hasEmail: false, hasMobile: false, renewals: [] });
    expect(entry.recipient).toEqual({ name: '', address: [] });
  });

  it('keeps a radiation with its motive, which closes the calendar', () => {
    const entry = calendarEntryOf(
      snapshot({ state: 'radiated', radiation: { date: '2026-06-26', motive: 'RADREN' } }),
    );
    expect(entry.subject.radiation).toEqual({ date: '2026-06-26', motive: 'RADREN' });
    expect(plannedNotices(entry.subject)).toEqual([]);
  });
});

describe(addressLines.name, () => {
  it('writes a French address in the order of NF Z10-011, an address abroad with its country', () => {
    expect(
      addressLines({
        apartment: '12',
        floor: '3',
        building: 'B',
        complement: 'Résidence des Lilas',
        number: '4 bis',
        street: 'rue Haute',
        lieuDit: 'Le Moulin',
        postalCode: '57000',
        locality: 'Metz',
      }),
    ).toEqual([
      'Appt 12 Étage 3',
      'Bât. B Résidence des Lilas',
      '4 bis rue Haute',
      'Le Moulin',
      '57000 METZ',
    ]);
    expect(
      addressLines({
        abroad: true,
        street: 'Via Roma 1',
        postalCode: '00100',
        locality: 'Roma',
        country: 'Italie',
      }),
    ).toEqual(['Via Roma 1', '00100 ROMA', 'ITALIE']);
  });
});
