import { DEFAULT_ANNIVERSARY_RULES } from '../renewal/anniversary';
import type { Demand, Radiation } from './demand';
import {
  AJACCIO,
  aCoApplicant,
  aDemand,
  aLandlordGuichet,
  aMunicipalityGuichet,
  anApplicant,
  anAssociationDemandInput,
  aTerritorialManager,
  NANCY,
  SAINT_DENIS_REUNION,
  THE_SYSTEM,
  THIONVILLE,
} from './demand.fixtures';
import {
  canActOnDemand,
  canChangeNames,
  canRadiate,
  canReactivate,
  canRenew,
  isValidSiren,
  separatedPartnerSeniority,
  type RadiationRequest,
  type RefusalCode,
} from './demand-rules';

const today = '2026-03-15';
const refusal = (code: RefusalCode) => ({ ok: false, code, message: expect.any(String) });

describe(canActOnDemand.name, () => {
  const demand = { department: '057' };

  it('lets a guichet act on the demands of its departments, however they are written', () => {
    expect(canActOnDemand(aMunicipalityGuichet({ territory: ['57'] }), demand)).toEqual({
      ok: true,
    });
    expect(
      canActOnDemand(aMunicipalityGuichet({ territory: ['2a'] }), { department: '02A' }),
    ).toEqual({ ok: true });
  });

  it('refuses a guichet or a territorial manager of another territory', () => {
    expect(canActOnDemand(aMunicipalityGuichet({ territory: ['054'] }), demand)).toEqual(
      refusal('outside-territory'),
    );
    expect(canActOnDemand(aTerritorialManager(['02A', '02B']), demand)).toEqual(
      refusal('outside-territory'),
    );
  });

  it('lets the national level and the system act everywhere', () => {
    expect(canActOnDemand(aMunicipalityGuichet({ territory: 'national' }), demand).ok).toBe(true);
    expect(canActOnDemand(THE_SYSTEM, demand).ok).toBe(true);
  });

  it('refuses an actor whose territory lists a malformed department', () => {
    expect(canActOnDemand(aMunicipalityGuichet({ territory: ['Moselle'] }), demand).ok).toBe(false);
  });
});

describe(canRadiate.name, () => {
  const abandon: RadiationRequest = { motive: 'RADABA', date: '2026-03-10' };
  const attribution: RadiationRequest = {
    motive: 'RADATT',
    date: '2026-03-15',
    attribution: {
      commune: THIONVILLE,
      leaseSignedOn: '2026-03-12',
      reservationQuota: 'PREF',
      rplsId: '0123456789',
    },
  };
  const attributionWith = (details: Partial<NonNullable<RadiationRequest['attribution']>>) => ({
    ...attribution,
    attribution: { ...attribution.attribution!, ...details },
  });

  it('lets a guichet of the territory radiate for abandon, recorded today in its name', () => {
    expect(canRadiate(aDemand(), abandon, aMunicipalityGuichet(), today)).toEqual({
      ok: true,
      value: { date: '2026-03-10', motive: 'RADABA', recordedOn: today, recordedBy: '57A01' },
    });
  });

  it('refuses a guichet of another territory', () => {
    expect(
      canRadiate(aDemand(), abandon, aMunicipalityGuichet({ territory: ['054'] }), today),
    ).toEqual(refusal('outside-territory'));
  });

  it.each([
    ['radiated', 'demand-radiated'],
    ['draft', 'demand-not-active'],
    ['awaiting-validation', 'demand-not-active'],
  ] as const)('refuses a %s demand', (state, code) => {
    expect(canRadiate(aDemand({ state }), abandon, aMunicipalityGuichet(), today)).toEqual(
      refusal(code),
    );
  });

  it('refuses a radiation date after today or before the deposit', () => {
    const guichet = aMunicipalityGuichet();
    expect(canRadiate(aDemand(), { ...abandon, date: '2026-03-16' }, guichet, today)).toEqual(
      refusal('radiation-date-in-future'),
    );
    expect(canRadiate(aDemand(), { ...abandon, date: '2025-05-25' }, guichet, today)).toEqual(
      refusal('radiation-before-deposit'),
    );
    expect(canRadiate(aDemand(), { ...abandon, date: '2025-05-26' }, guichet, today).ok).toBe(true);
  });

  it('refuses dates that are not calendar dates', () => {
    expect(
      canRadiate(aDemand(), { ...abandon, date: '2026-02-30' }, aMunicipalityGuichet(), today),
    ).toEqual(refusal('invalid-date'));
  });

  describe('inadmissibility (RADIRR)', () => {
    it('requires its sub-motive, irregular stay or resources over the ceiling', () => {
      const request: RadiationRequest = { motive: 'RADIRR', date: today };
      expect(canRadiate(aDemand(), request, aMunicipalityGuichet(), today)).toEqual(
        refusal('inadmissibility-motive-required'),
      );
      expect(
        canRadiate(
          aDemand(),
          { ...request, inadmissibility: 'IRRRES' },
          aMunicipalityGuichet(),
          today,
        ),
      ).toMatchObject({ ok: true, value: { motive: 'RADIRR', inadmissibility: 'IRRRES' } });
    });

    it('refuses a sub-motive with another motive', () => {
      expect(
        canRadiate(
          aDemand(),
          { ...abandon, inadmissibility: 'IRRSEJ' },
          aMunicipalityGuichet(),
          today,
        ),
      ).toEqual(refusal('inadmissibility-motive-unexpected'));
    });
  });

  describe('non-renewal (RADREN)', () => {
    const request: RadiationRequest = { motive: 'RADREN', date: '2026-06-26' };

    it('is done by the system only', () => {
      expect(canRadiate(aDemand(), request, aLandlordGuichet(), '2026-06-26')).toEqual(
        refusal('motive-reserved-to-system'),
      );
      expect(canRadiate(aDemand(), request, aTerritorialManager(), '2026-06-26')).toEqual(
        refusal('motive-reserved-to-system'),
      );
    });

    it('waits for the grace period of the rules', () => {
      const rules = { ...DEFAULT_ANNIVERSARY_RULES, radiationMonthsAfter: 2 };
      const radiate = (date: string) =>
        canRadiate(aDemand(), { ...request, date }, THE_SYSTEM, date, undefined, rules);
      expect(radiate('2026-07-25')).toEqual(refusal('renewal-not-overdue'));
      expect(radiate('2026-07-26').ok).toBe(true);
    });

    it('waits for the month of grace after the anniversary to be over', () => {
      expect(
        canRadiate(aDemand(), { ...request, date: '2026-06-25' }, THE_SYSTEM, '2026-06-25'),
      ).toEqual(refusal('renewal-not-overdue'));
      expect(canRadiate(aDemand(), request, THE_SYSTEM, '2026-06-26')).toEqual({
        ok: true,
        value: {
          date: '2026-06-26',
          motive: 'RADREN',
          recordedOn: '2026-06-26',
          recordedBy: 'system',
        },
      });
    });
  });

  it('lets the system radiate after unanswered warnings, but not for abandon', () => {
    expect(canRadiate(aDemand(), { motive: 'RADCON', date: today }, THE_SYSTEM, today).ok).toBe(
      true,
    );
    expect(canRadiate(aDemand(), abandon, THE_SYSTEM, today)).toEqual(
      refusal('motive-not-allowed'),
    );
  });

  it('lets the territorial manager radiate a duplicate, recorded in its role', () => {
    expect(canRadiate(aDemand(), abandon, aTerritorialManager(), today)).toMatchObject({
      ok: true,
      value: { recordedBy: 'territorial-manager' },
    });
  });

  describe('attribution (RADATT)', () => {
    it("records the dwelling's commune, lease, quota, RPLS id and the landlord's SIREN", () => {
      expect(canRadiate(aDemand(), attribution, aLandlordGuichet(), today)).toEqual({
        ok: true,
        value: {
          date: '2026-03-15',
          motive: 'RADATT',
          attribution: {
            commune: THIONVILLE,
            leaseSignedOn: '2026-03-12',
            reservationQuota: 'PREF',
            rplsId: '0123456789',
            landlordSiren: '443061841',
          },
          recordedOn: today,
          recordedBy: '10691',
        } satisfies Radiation,
      });
    });

    it.each([
      ['a municipality', aMunicipalityGuichet()],
      ['a State service', aMunicipalityGuichet({ guichetType: 'state-service' })],
      ['a reservation holder', aMunicipalityGuichet({ guichetType: 'reservation-holder' })],
      ['the territorial manager', aTerritorialManager()],
      ['the system', THE_SYSTEM],
    ])('refuses %s: only landlord guichets attribute', (_, actor) => {
      expect(canRadiate(aDemand(), attribution, actor, today)).toEqual(
        refusal('attribution-by-landlord-only'),
      );
    });

    it('requires the attribution details, and refuses them with another motive', () => {
      expect(
        canRadiate(aDemand(), { motive: 'RADATT', date: today }, aLandlordGuichet(), today),
      ).toEqual(refusal('attribution-details-required'));
      expect(
        canRadiate(
          aDemand(),
          { ...abandon, attribution: attribution.attribution },
          aLandlordGuichet(),
          today,
        ),
      ).toEqual(refusal('attribution-details-unexpected'));
    });

    it('accepts a lease signed on the day the radiation is recorded, not later', () => {
      expect(
        canRadiate(aDemand(), attributionWith({ leaseSignedOn: today }), aLandlordGuichet(), today)
          .ok,
      ).toBe(true);
      expect(
        canRadiate(
          aDemand(),
          attributionWith({ leaseSignedOn: '2026-03-16' }),
          aLandlordGuichet(),
          today,
        ),
      ).toEqual(refusal('lease-after-recording'));
    });

    it('refuses a lease signed before the demand was deposited', () => {
      expect(
        canRadiate(
          aDemand(),
          attributionWith({ leaseSignedOn: '2025-05-25' }),
          aLandlordGuichet(),
          today,
        ),
      ).toEqual(refusal('lease-before-deposit'));
    });

    it('refuses a lease date that is not a calendar date', () => {
      expect(
        canRadiate(
          aDemand(),
          attributionWith({ leaseSignedOn: '2026-02-30' }),
          aLandlordGuichet(),
          today,
        ),
      ).toEqual(refusal('invalid-date'));
    });

    it("refuses a dwelling outside the demand's department", () => {
      expect(
        canRadiate(aDemand(), attributionWith({ commune: NANCY }), aLandlordGuichet(), today),
      ).toEqual(refusal('commune-outside-territory'));
    });

    it('tells Corse-du-Sud from Haute-Corse', () => {
      const corsican = aDemand({ department: '02A' });
      const landlord = aLandlordGuichet({ territory: ['02A', '02B'] });
      expect(canRadiate(corsican, attributionWith({ commune: AJACCIO }), landlord, today).ok).toBe(
        true,
      );
      expect(canRadiate(corsican, attributionWith({ commune: '2B033' }), landlord, today)).toEqual(
        refusal('commune-outside-territory'),
      );
    });

    it('reads overseas departments on three digits', () => {
      const reunion = aDemand({ department: '974' });
      const landlord = aLandlordGuichet({ territory: ['974'] });
      expect(
        canRadiate(reunion, attributionWith({ commune: SAINT_DENIS_REUNION }), landlord, today).ok,
      ).toBe(true);
      expect(canRadiate(reunion, attributionWith({ commune: '97101' }), landlord, today)).toEqual(
        refusal('commune-outside-territory'),
      );
    });

    it('refuses a commune that does not exist', () => {
      expect(
        canRadiate(aDemand(), attributionWith({ commune: '57999' }), aLandlordGuichet(), today),
      ).toEqual(refusal('unknown-commune'));
    });

    it('requires the reservation quota', () => {
      expect(
        canRadiate(
          aDemand(),
          attributionWith({ reservationQuota: '' as never }),
          aLandlordGuichet(),
          today,
        ),
      ).toEqual(refusal('reservation-quota-required'));
    });

    it('accepts no RPLS id, but refuses a malformed one', () => {
      expect(
        canRadiate(aDemand(), attributionWith({ rplsId: undefined }), aLandlordGuichet(), today).ok,
      ).toBe(true);
      expect(
        canRadiate(aDemand(), attributionWith({ rplsId: 'RPLS-12' }), aLandlordGuichet(), today),
      ).toEqual(refusal('invalid-rpls-id'));
    });

    it('refuses a landlord without a valid SIREN to count the attribution against', () => {
      expect(
        canRadiate(aDemand(), attribution, aLandlordGuichet({ siren: undefined }), today),
      ).toEqual(refusal('landlord-siren-missing'));
      expect(
        canRadiate(aDemand(), attribution, aLandlordGuichet({ siren: '443061842' }), today),
      ).toEqual(refusal('landlord-siren-missing'));
    });
  });
});

describe(isValidSiren.name, () => {
  it.each(['443061841', '732829320', '552100554'])('accepts %s', (siren) => {
    expect(isValidSiren(siren)).toBe(true);
  });

  it.each(['443061842', '44306184', '44306184A'])('refuses %s', (siren) => {
    expect(isValidSiren(siren)).toBe(false);
  });
});

describe(canRenew.name, () => {
  it('lets a guichet or the territorial manager renew an active demand', () => {
    expect(canRenew(aDemand(), aMunicipalityGuichet())).toEqual({ ok: true });
    expect(canRenew(aDemand(), aTerritorialManager())).toEqual({ ok: true });
  });

  it('lets the portal renew any demand of the country', () => {
    expect(
      canRenew(aDemand(), aMunicipalityGuichet({ guichetType: 'other', territory: 'national' })),
    ).toEqual({ ok: true });
  });

  it('refuses a radiated demand', () => {
    expect(canRenew(aDemand({ state: 'radiated' }), aMunicipalityGuichet())).toEqual(
      refusal('demand-radiated'),
    );
  });

  it.each(['draft', 'awaiting-validation'] as const)('refuses a %s demand', (state) => {
    expect(canRenew(aDemand({ state }), aMunicipalityGuichet())).toEqual(
      refusal('demand-not-active'),
    );
  });

  it('refuses a guichet of another territory and the system', () => {
    expect(canRenew(aDemand(), aMunicipalityGuichet({ territory: ['054'] }))).toEqual(
      refusal('outside-territory'),
    );
    expect(canRenew(aDemand(), THE_SYSTEM)).toEqual(refusal('actor-not-allowed'));
  });
});

describe(canReactivate.name, () => {
  const radiatedOn = (date: string, motive: Radiation['motive'] = 'RADREN') =>
    aDemand({
      state: 'radiated',
      radiation: { date, motive, recordedOn: date, recordedBy: 'system' },
    });

  it('lets a guichet reactivate a demand radiated for non-renewal within 5 months', () => {
    expect(canReactivate(radiatedOn('2025-11-15'), aMunicipalityGuichet(), today)).toEqual({
      ok: true,
    });
  });

  it('counts the last day in, at the month end (30 September → 28 February)', () => {
    const demand = radiatedOn('2025-09-30');
    expect(canReactivate(demand, aMunicipalityGuichet(), '2026-02-28')).toEqual({ ok: true });
    expect(canReactivate(demand, aMunicipalityGuichet(), '2026-03-01')).toEqual(
      refusal('reactivation-period-over'),
    );
  });

  it('follows the reactivation window of the rules', () => {
    const rules = { ...DEFAULT_ANNIVERSARY_RULES, reactivationWindowMonths: 2 };
    expect(canReactivate(radiatedOn('2026-01-15'), aMunicipalityGuichet(), today, rules)).toEqual({
      ok: true,
    });
    expect(canReactivate(radiatedOn('2026-01-14'), aMunicipalityGuichet(), today, rules)).toEqual(
      refusal('reactivation-period-over'),
    );
  });

  it('refuses a reactivation dated before the radiation', () => {
    expect(canReactivate(radiatedOn('2026-03-16'), aMunicipalityGuichet(), today)).toEqual(
      refusal('reactivation-period-over'),
    );
  });

  it.each(['RADABA', 'RADATT', 'RADIRR', 'RADCON'] as const)(
    'refuses a demand radiated with %s',
    (motive) => {
      expect(
        canReactivate(radiatedOn('2026-03-01', motive), aMunicipalityGuichet(), today),
      ).toEqual(refusal('not-radiated-for-non-renewal'));
    },
  );

  it('refuses a demand that is not radiated', () => {
    expect(canReactivate(aDemand(), aMunicipalityGuichet(), today)).toEqual(
      refusal('demand-not-radiated'),
    );
  });

  it('refuses the system and a guichet of another territory', () => {
    const demand = radiatedOn('2026-01-10');
    expect(canReactivate(demand, THE_SYSTEM, today)).toEqual(refusal('actor-not-allowed'));
    expect(canReactivate(demand, aMunicipalityGuichet({ territory: ['054'] }), today)).toEqual(
      refusal('outside-territory'),
    );
  });
});

describe(canChangeNames.name, () => {
  const names = { lastName: 'Lefèvre', firstName: 'Camille' };

  it('lets anyone send the names unchanged, whatever the Unicode form or edge spaces', () => {
    expect(
      canChangeNames(aMunicipalityGuichet(), names, {
        lastName: 'Lefe\u0300vre '.normalize('NFD'),
        firstName: 'Camille',
      }),
    ).toEqual({ ok: true });
  });

  it('refuses a guichet changing the last name or the first name', () => {
    expect(canChangeNames(aLandlordGuichet(), names, { ...names, lastName: 'Lefebvre' })).toEqual(
      refusal('names-locked'),
    );
    expect(canChangeNames(aLandlordGuichet(), names, { ...names, firstName: 'Camilla' })).toEqual(
      refusal('names-locked'),
    );
  });

  it('lets the territorial manager change them', () => {
    expect(
      canChangeNames(aTerritorialManager(), names, { lastName: 'Lefebvre', firstName: 'Camille' }),
    ).toEqual({ ok: true });
  });
});

describe(separatedPartnerSeniority.name, () => {
  const couple = aDemand({
    applicant: anApplicant({ familySituation: 'M' }),
    coApplicant: aCoApplicant(),
    household: { size: 3 },
    depositDate: '2022-10-03',
    anniversaryDate: '2026-10-03',
    numeroUnique: '057 1022 004211 10691',
  });

  it("keeps the couple's deposit date, and sets the anniversary as a renewal made today would", () => {
    expect(separatedPartnerSeniority(couple, today)).toEqual({
      ok: true,
      value: {
        depositDate: '2022-10-03',
        anniversaryDate: '2026-10-03',
        seniorityOrigin: {
          kind: 'couple-separation',
          numeroUnique: '057 1022 004211 10691',
          depositDate: '2022-10-03',
        },
      },
    });
    expect(separatedPartnerSeniority(couple, '2026-08-01')).toMatchObject({
      value: { anniversaryDate: '2027-10-03' },
    });
  });

  it('follows the anniversary basis of the rules', () => {
    const rules = { ...DEFAULT_ANNIVERSARY_RULES, anniversaryBasis: 'last-renewal' as const };
    expect(separatedPartnerSeniority(couple, today, rules)).toMatchObject({
      value: { anniversaryDate: '2027-03-15' },
    });
  });

  it('accepts a couple already declared separated when the co-applicant was a spouse or PACS partner', () => {
    const separated = {
      ...couple,
      applicant: anApplicant({ familySituation: 'S' }),
      coApplicant: aCoApplicant({ relationship: 'pacs-partner' }),
    } as Demand;
    expect(separatedPartnerSeniority(separated, today).ok).toBe(true);
  });

  it('refuses the members of a couple neither married nor in a PACS', () => {
    const cohabitants = {
      ...couple,
      applicant: anApplicant({ familySituation: 'U' }),
      coApplicant: aCoApplicant({ relationship: 'cohabitant' }),
    } as Demand;
    expect(separatedPartnerSeniority(cohabitants, today)).toEqual(refusal('not-a-couple-demand'));
  });

  it('refuses an association demand', () => {
    const association = { ...couple, ...anAssociationDemandInput() } as Demand;
    expect(separatedPartnerSeniority(association, today)).toEqual(refusal('not-a-couple-demand'));
  });

  it('refuses a demand that is radiated or not registered', () => {
    expect(separatedPartnerSeniority({ ...couple, state: 'radiated' }, today)).toEqual(
      refusal('demand-not-active'),
    );
    expect(
      separatedPartnerSeniority({ ...couple, numeroUnique: undefined, state: 'active' }, today),
    ).toEqual(refusal('demand-not-active'));
  });
});
