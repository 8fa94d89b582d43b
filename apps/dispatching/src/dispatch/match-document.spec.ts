import { createEvent, DemandEventTypes, type DemandSnapshot } from '@sne/contracts';
import { aDemand } from '@sne/domain';
import { factory } from '@sne/testing';
import { ageAt, matchDocument, monthsSince } from './match-document';

const demand: DemandSnapshot = {
  numeroUnique: '057 1215 073903 10691',
  version: 4,
  state: 'active',
  department: '057',
  guichetCode: '10691',
  depositDate: '2015-12-14',
  applicant: { lastName: 'Martin', birthDate: '1980-06-30' },
  household: { size: 3 },
  wishedCommunes: ['57463', '57672'],
  dwellingTypes: ['T3'],
  monthlyResources: [
    { type: 'SAL', amount: 1500 },
    { type: 'AF', amount: 250.5 },
  ],
  dalo: { recognised: true },
  motives: ['01'],
  dependants: [{ kinship: 'E', birthDate: '2012-01-01' }],
};

const event = createEvent({
  type: DemandEventTypes.Updated,
  source: '/sne/registration',
  subject: demand.numeroUnique,
  correlationId: 'c',
  guichet: '20045',
  time: new Date('2016-06-29T10:00:00Z'),
  data: { demand },
});

describe('matchDocument', () => {
  it('exposes the demand under the catalogued field names, derived at the event time', () => {
    expect(matchDocument(event, demand)).toEqual({
      event: { type: 'sne.demand.updated.v1', guichet: '20045' },
      demand: {
        state: 'active',
        department: '057',
        guichetCode: '10691',
        wishedCommunes: ['57463', '57672'],
        firstChoiceCommune: '57463',
        dwellingTypes: ['T3'],
        householdSize: 3,
        monthlyResources: 1750.5,
        motives: ['01'],
        dalo: true,
        applicantAge: 35,
        seniorityMonths: 6,
        dependants: [{ kinship: 'E', age: 4 }],
      },
    });
  });

  it('gives an empty demand when the state is unknown (a document event before its demand)', () => {
    expect(matchDocument(event, undefined).demand).toEqual({});
  });
});

describe('derived values', () => {
  it('counts whole years and months, birthday and deposit day included', () => {
    expect(ageAt('2000-02-29', new Date('2026-02-28T00:00:00Z'))).toBe(25);
    expect(ageAt('2000-02-29', new Date('2026-03-01T00:00:00Z'))).toBe(26);
    expect(monthsSince('2025-01-31', new Date('2025-02-28T00:00:00Z'))).toBe(0);
    expect(monthsSince('2025-01-31', new Date('2025-03-31T00:00:00Z'))).toBe(2);
    expect(ageAt('not a date', new Date())).toBeUndefined();
  });
});

describe('matchDocument on the CERFA snapshot of the registration app', () => {
  it('reads the wished housing, income, address, DALO and disability where the CERFA keeps them', () => {
    const demand = {
      ...aDemand({ numeroUnique: '057 1126 000001 10691' }),
      guichetCode: '10691',
      dalo: { status: 'recognised' as const },
      currentAddress: { postalCode: '57000', locality: 'Metz', commune: '57463' },
      disability: { concerned: true },
    };
    const event = {
      ...factory.demandEvent(DemandEventTypes.Registered),
      time: '2026-11-22T10:00:00.000Z',
    };
    const document = matchDocument(event, demand as unknown as DemandSnapshot);
    expect(document.demand).toMatchObject({
      department: demand.department,
      wishedCommunes: [...demand.wishedHousing.communes],
      dwellingTypes: [...demand.wishedHousing.dwellingTypes],
      householdSize: demand.household?.size,
      currentCommune: '57463',
      dalo: true,
      disability: true,
    });
    expect((document.demand as { referenceTaxIncome?: number }).referenceTaxIncome).toBe(
      (demand as { referenceTaxIncome: { amount: number } }).referenceTaxIncome.amount,
    );
  });
});
