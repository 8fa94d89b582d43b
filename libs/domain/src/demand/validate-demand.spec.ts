import {
  aCoApplicant,
  aDemandInput,
  aDependant,
  AJACCIO,
  aMonthlyResource,
  anApplicant,
  anAssociationDemandInput,
  aNir,
  METZ,
  NANCY,
  THIONVILLE,
} from './demand.fixtures';
import type { PersonDemandInput } from './demand';
import {
  demandInputIssues,
  validateDemandInput,
  validateDraftDemandInput,
  validateRadiationRequest,
  type DemandInputIssue,
} from './validate-demand';

const today = '2026-03-15';
const options = { today };

/** The issues of a complete input, or of the default input changed by `change`. */
function issuesOf(input: unknown): DemandInputIssue[] {
  return demandInputIssues(input, 'complete', options);
}
function issuesWith(overrides: Partial<Record<keyof PersonDemandInput, unknown>>) {
  return issuesOf({ ...aDemandInput(), ...overrides });
}
const at = (path: string, reason: string | RegExp = /./) =>
  expect.objectContaining({
    path,
    reason:
      typeof reason === 'string' ? expect.stringContaining(reason) : expect.stringMatching(reason),
  });

describe(validateDemandInput.name, () => {
  it('accepts the default CERFA and returns it typed', () => {
    const input = aDemandInput();
    expect(validateDemandInput(input, options)).toEqual({ ok: true, value: input });
  });

  it('accepts a couple with a child, the unborn one counted in the household', () => {
    const input = aDemandInput({
      applicant: anApplicant({ familySituation: 'M' }),
      coApplicant: aCoApplicant(),
      dependants: [aDependant()],
      unbornChildren: { count: 1, expectedDate: '2026-07-01' },
      household: { size: 4 },
      professionalSituation: {
        applicant: { contractType: 'CDI' },
        coApplicant: { contractType: 'CHO', workplaceCommune: NANCY },
      },
      monthlyResources: [
        aMonthlyResource(),
        aMonthlyResource({ holder: 'co-applicant', type: 'CHO', amount: 980.5 }),
        aMonthlyResource({ type: 'PAV', amount: 150 }),
      ],
    });
    expect(validateDemandInput(input, options)).toEqual({ ok: true, value: input });
  });

  it('accepts an association that fills only identity, address and wishes', () => {
    expect(validateDemandInput(anAssociationDemandInput(), options).ok).toBe(true);
  });

  it('accepts a reference income of 0 when the tax notice really shows 0', () => {
    expect(
      issuesWith({ referenceTaxIncome: { taxYear: 2024, amount: 0, zeroDeclared: true } }),
    ).toEqual([]);
  });

  it('accepts a household with no monthly resource when it says so', () => {
    expect(issuesWith({ monthlyResources: [], noMonthlyResources: true })).toEqual([]);
  });

  it('accepts Corsican and overseas communes and a Corsican NIR', () => {
    expect(
      issuesWith({
        applicant: anApplicant({
          civility: 1,
          birthDate: '1985-05-20',
          nir: aNir('185052A004123'),
        }),
        wishedHousing: { dwellingTypes: ['T2'], communes: [AJACCIO, '97411'] },
      }),
    ).toEqual([]);
  });

  it('refuses input that is not an object', () => {
    expect(validateDemandInput(null, options)).toEqual({
      ok: false,
      issues: [at('/', 'must be of type object')],
    });
  });

  it('throws when today is not a date: a bug of the caller, not of the input', () => {
    expect(() => validateDemandInput(aDemandInput(), { today: '15/03/2026' })).toThrow(RangeError);
  });
});

describe('the CERFA schema', () => {
  it('refuses a missing reference tax income, saying never to enter 0 instead', () => {
    expect(issuesWith({ referenceTaxIncome: undefined })).toEqual([
      at('/referenceTaxIncome', 'never enter 0'),
    ]);
  });

  it('refuses a resource with a type but no amount', () => {
    expect(issuesWith({ monthlyResources: [{ holder: 'applicant', type: 'SAL' }] })).toEqual([
      at('/monthlyResources/0/amount', 'a resource type needs its monthly amount'),
    ]);
  });

  it('refuses an amount without its resource type', () => {
    expect(issuesWith({ monthlyResources: [{ holder: 'applicant', amount: 1200 }] })).toEqual([
      at('/monthlyResources/0/type', 'needs its resource type'),
    ]);
  });

  it('refuses each missing heading of the CERFA', () => {
    expect(issuesOf({ applicant: anApplicant() }).map((issue) => issue.path)).toEqual([
      '/contact',
      '/currentHousing',
      '/household',
      '/monthlyResources',
      '/motives',
      '/postalAddress',
      '/professionalSituation',
      '/referenceTaxIncome',
      '/wishedHousing',
    ]);
  });

  it('refuses unknown fields, $-prefixed keys included, at any depth', () => {
    expect(
      issuesOf({
        ...aDemandInput(),
        $where: 'sleep(1000)',
        applicant: { ...anApplicant(), $set: { state: 'active' } },
      }),
    ).toEqual([
      at('/$where', 'is not an accepted field'),
      at('/applicant/$set', 'is not an accepted field'),
    ]);
  });

  it('refuses a query operator smuggled where a string is expected', () => {
    expect(
      issuesWith({
        applicant: { ...anApplicant(), lastName: { $gt: '' } },
        contact: { email: { $ne: null } },
        wishedHousing: { dwellingTypes: ['T3'], communes: [{ $regex: '.*' }] },
      }),
    ).toEqual([
      at('/applicant/lastName', 'must be of type string'),
      at('/contact/email', 'must be of type string'),
      at('/wishedHousing/communes/0', 'must be of type string'),
    ]);
  });

  it('refuses codes outside the register lists', () => {
    expect(
      issuesWith({
        applicant: anApplicant({ civility: 4 as never, familySituation: 'X' as never }),
        motives: ['24'],
        wishedHousing: { dwellingTypes: ['T7'], communes: [METZ] },
      }),
    ).toEqual([
      at('/applicant/civility', 'must be one of [1,2,3]'),
      at('/applicant/familySituation', 'must be one of'),
      at('/motives/0', 'must be one of'),
      at('/wishedHousing/dwellingTypes/0', '"T6P"'),
    ]);
  });

  it('refuses strings longer than their limit and empty strings', () => {
    expect(
      issuesWith({ remarks: 'x'.repeat(2001), applicant: anApplicant({ firstName: '' }) }),
    ).toEqual([
      at('/applicant/firstName', 'must NOT have fewer than 1 characters'),
      at('/remarks', 'must NOT have more than 2000 characters'),
    ]);
  });

  it('refuses names with digits but accepts accents, hyphens and apostrophes', () => {
    expect(issuesWith({ applicant: anApplicant({ lastName: 'Lef3vre' }) })).toEqual([
      at('/applicant/lastName', 'only letters'),
    ]);
    expect(issuesWith({ applicant: anApplicant({ lastName: "N'Diaye-Lefèvre" }) })).toEqual([]);
  });

  it('refuses malformed INSEE codes, NIR, phone numbers and emails', () => {
    expect(
      issuesWith({
        applicant: anApplicant({ nir: '2 85 04 57 463 123 35' }),
        contact: { email: 'camille@', mobile: '0112345678', homePhone: '12' },
        wishedHousing: { dwellingTypes: ['T3'], communes: ['5746'] },
      }),
    ).toEqual([
      at('/applicant/nir', 'must be a NIR: 15 characters without spaces'),
      at('/contact/email', 'must be an email address'),
      at('/contact/homePhone', 'must be a phone number'),
      at('/contact/mobile', 'must be a mobile number'),
      at('/wishedHousing/communes/0', 'must be the INSEE code of a commune'),
    ]);
  });

  it('refuses a repeated wished commune and more than 8 communes', () => {
    expect(
      issuesWith({ wishedHousing: { dwellingTypes: ['T3'], communes: [METZ, THIONVILLE, METZ] } }),
    ).toEqual([at('/wishedHousing/communes', 'must not repeat an item (items 0 and 2')]);
    const nine = ['57463', '57672', '57227', '57606', '57480', '57019', '57631', '57058', '57433'];
    expect(issuesWith({ wishedHousing: { dwellingTypes: ['T3'], communes: nine } })).toEqual([
      at('/wishedHousing/communes', 'must NOT have more than 8 items'),
    ]);
  });

  it('refuses a demand without a wished commune or dwelling type', () => {
    expect(issuesWith({ wishedHousing: { dwellingTypes: [], communes: [] } })).toEqual([
      at('/wishedHousing/communes', 'must NOT have fewer than 1 items'),
      at('/wishedHousing/dwellingTypes', 'must NOT have fewer than 1 items'),
    ]);
  });

  it('refuses the fields of a person on an association demand, and only those', () => {
    expect(
      issuesOf({ ...anAssociationDemandInput(), referenceTaxIncome: { taxYear: 2024, amount: 1 } }),
    ).toEqual([at('/referenceTaxIncome', 'is not an accepted field')]);
  });

  it("requires the applicant's kind", () => {
    const { kind: _kind, ...applicant } = anApplicant();
    expect(issuesWith({ applicant })).toEqual([at('/applicant/kind', 'is required')]);
  });

  it('points at fields whose names need escaping in a JSON pointer', () => {
    expect(issuesOf({ ...aDemandInput(), 'a/b~c': 1 })).toEqual([
      at('/a~1b~0c', 'is not an accepted field'),
    ]);
  });

  it('refuses negative or non-numeric amounts and fractional tax incomes', () => {
    expect(
      issuesWith({
        referenceTaxIncome: { taxYear: 2024, amount: 18_000.5 },
        monthlyResources: [
          aMonthlyResource({ amount: -1 }),
          aMonthlyResource({ amount: '1200' as never }),
        ],
      }),
    ).toEqual([
      at('/monthlyResources/0/amount', 'must be >= 0'),
      at('/monthlyResources/1/amount', 'must be of type number'),
      at('/referenceTaxIncome/amount', 'must be of type integer'),
    ]);
  });
});

describe('semantic checks', () => {
  describe('dates', () => {
    it('refuses an impossible date, once', () => {
      expect(issuesWith({ applicant: anApplicant({ birthDate: '2023-02-30' }) })).toEqual([
        at('/applicant/birthDate', 'must be a calendar date, YYYY-MM-DD'),
      ]);
    });

    it('refuses a birth date in the future', () => {
      expect(
        issuesWith({ applicant: anApplicant({ birthDate: '2026-03-16', nir: undefined }) }),
      ).toEqual([at('/applicant/birthDate', 'is in the future')]);
    });

    it('refuses a birth date more than 120 years ago', () => {
      expect(
        issuesWith({ applicant: anApplicant({ birthDate: '1906-03-14', nir: undefined }) }),
      ).toEqual([at('/applicant/birthDate', 'more than 120 years ago')]);
      expect(
        issuesWith({ applicant: anApplicant({ birthDate: '1906-03-15', nir: undefined }) }),
      ).toEqual([]);
    });

    it("refuses a dependant's or co-applicant's birth date in the future", () => {
      expect(
        issuesWith({
          applicant: anApplicant({ familySituation: 'M' }),
          coApplicant: aCoApplicant({ birthDate: '2027-01-01', nir: undefined }),
          dependants: [aDependant({ birthDate: '2026-04-01' })],
          household: { size: 3 },
        }),
      ).toEqual([
        at('/coApplicant/birthDate', 'is in the future'),
        at('/dependants/0/birthDate', 'is in the future'),
      ]);
    });

    it('refuses an expected birth more than 10 months ahead', () => {
      expect(
        issuesWith({
          unbornChildren: { count: 1, expectedDate: '2027-01-16' },
          household: { size: 3 },
        }),
      ).toEqual([at('/unbornChildren/expectedDate', 'more than 10 months ahead')]);
    });

    it('refuses "since" dates in the future', () => {
      expect(
        issuesWith({
          professionalSituation: { applicant: { contractType: 'CDI', since: '2026-04-01' } },
          currentHousing: { situation: 'private-tenant', since: '2026-03-16' },
        }),
      ).toEqual([
        at('/currentHousing/since', 'is in the future'),
        at('/professionalSituation/applicant/since', 'is in the future'),
      ]);
    });
  });

  describe('communes', () => {
    it('refuses INSEE codes of no current commune, wherever they are', () => {
      expect(
        issuesWith({
          postalAddress: { postalCode: '57000', locality: 'Metz', commune: '57999' },
          wishedHousing: { dwellingTypes: ['T3'], communes: [METZ, '20004'] },
          professionalSituation: { applicant: { contractType: 'CDI', workplaceCommune: '99999' } },
        }),
      ).toEqual([
        at('/postalAddress/commune', 'is not the INSEE code of a current commune'),
        at('/professionalSituation/applicant/workplaceCommune', 'not the INSEE code'),
        at('/wishedHousing/communes/1', 'is not the INSEE code of a current commune'),
      ]);
    });

    it('refuses a first choice that is not among the wished communes', () => {
      expect(
        issuesWith({
          wishedHousing: { dwellingTypes: ['T3'], communes: [METZ], firstChoiceCommune: NANCY },
        }),
      ).toEqual([at('/wishedHousing/firstChoiceCommune', 'must be one of the wished communes')]);
    });

    it('uses the commune directory it is given', () => {
      expect(
        demandInputIssues(aDemandInput(), 'complete', { today, communes: new Set([METZ]) }),
      ).toEqual([at('/wishedHousing/communes/1', 'not the INSEE code')]);
    });
  });

  describe('NIR', () => {
    it('refuses a NIR with a wrong key', () => {
      expect(issuesWith({ applicant: anApplicant({ nir: '285045746312336' }) })).toEqual([
        at('/applicant/nir', 'wrong key'),
      ]);
    });

    it('refuses a NIR of another birth year or month', () => {
      expect(issuesWith({ applicant: anApplicant({ birthDate: '1986-05-12' }) })).toEqual([
        at('/applicant/nir', 'year ending in 85'),
        at('/applicant/nir', 'month 4'),
      ]);
    });

    it("refuses a man's NIR for Madame, and a woman's for a boy", () => {
      expect(
        issuesWith({
          applicant: anApplicant({ nir: aNir('1850457463123') }),
          dependants: [
            aDependant({ sex: 'M', birthDate: '2004-02-01', nir: aNir('2040257463001') }),
          ],
        }),
      ).toEqual([at('/applicant/nir', "man's number"), at('/dependants/0/nir', "woman's number")]);
    });

    it('counts Mademoiselle as a woman', () => {
      expect(issuesWith({ applicant: anApplicant({ civility: 3 }) })).toEqual([]);
    });

    it("checks the co-applicant's NIR", () => {
      expect(
        issuesWith({
          applicant: anApplicant({ familySituation: 'M' }),
          coApplicant: aCoApplicant({ nir: aNir('1831257463045') }),
          household: { size: 3 },
        }),
      ).toEqual([at('/coApplicant/nir', 'month 12, not in month 11')]);
    });

    it('refuses the same NIR for two persons of the household', () => {
      const nir = anApplicant().nir;
      expect(
        issuesWith({
          applicant: anApplicant({ familySituation: 'M' }),
          coApplicant: aCoApplicant({ civility: 2, birthDate: '1985-04-01', nir }),
          household: { size: 3 },
        }),
      ).toEqual([at('/coApplicant/nir', 'is also the NIR of /applicant')]);
    });
  });

  describe('reference tax income', () => {
    it('refuses 0 as a placeholder', () => {
      expect(issuesWith({ referenceTaxIncome: { taxYear: 2024, amount: 0 } })).toEqual([
        at('/referenceTaxIncome/amount', 'refuses as a placeholder'),
      ]);
    });

    it('refuses zeroDeclared with an income that is not 0', () => {
      expect(
        issuesWith({ referenceTaxIncome: { taxYear: 2024, amount: 12_000, zeroDeclared: true } }),
      ).toEqual([at('/referenceTaxIncome/zeroDeclared', 'only for an income of 0')]);
    });

    it('refuses the income of a year not over yet', () => {
      expect(issuesWith({ referenceTaxIncome: { taxYear: 2026, amount: 12_000 } })).toEqual([
        at('/referenceTaxIncome/taxYear', 'must be a past year, before 2026'),
      ]);
    });

    it("refuses a last year's income that is not after the reference year", () => {
      expect(
        issuesWith({
          referenceTaxIncome: { taxYear: 2024, amount: 19_800 },
          lastYearTaxIncome: { taxYear: 2024, amount: 0 },
        }),
      ).toEqual([
        at('/lastYearTaxIncome/amount', 'placeholder'),
        at('/lastYearTaxIncome/taxYear', 'later than the reference income'),
      ]);
    });
  });

  describe('monthly resources', () => {
    it('refuses a resource of 0', () => {
      expect(issuesWith({ monthlyResources: [aMonthlyResource({ amount: 0 })] })).toEqual([
        at('/monthlyResources/0/amount', 'must be more than 0'),
      ]);
    });

    it('refuses an empty list unless the household says it has none', () => {
      expect(issuesWith({ monthlyResources: [] })).toEqual([
        at('/monthlyResources', 'or set noMonthlyResources'),
      ]);
    });

    it('refuses noMonthlyResources next to listed resources', () => {
      expect(issuesWith({ noMonthlyResources: true })).toEqual([
        at('/noMonthlyResources', 'contradicts'),
      ]);
    });

    it("refuses a co-applicant's resource without a co-applicant", () => {
      expect(
        issuesWith({ monthlyResources: [aMonthlyResource({ holder: 'co-applicant' })] }),
      ).toEqual([
        at('/monthlyResources/0/holder', 'names a co-applicant the demand does not have'),
      ]);
    });
  });

  describe('household', () => {
    it('refuses a size smaller than the persons named', () => {
      expect(issuesWith({ household: { size: 1 } })).toEqual([
        at('/household/size', 'is 1, but the applicant, co-applicant and dependants make 2'),
      ]);
    });

    it('refuses a size larger than the persons named', () => {
      expect(issuesWith({ household: { size: 3 } })).toEqual([at('/household/size', 'make 2')]);
    });

    it('lets the unborn children count, or not', () => {
      const unbornChildren = { count: 2, expectedDate: '2026-06-01' };
      expect(issuesWith({ unbornChildren, household: { size: 2 } })).toEqual([]);
      expect(issuesWith({ unbornChildren, household: { size: 4 } })).toEqual([]);
      expect(issuesWith({ unbornChildren, household: { size: 5 } })).toEqual([
        at('/household/size', '2 to 4 (with the unborn children)'),
      ]);
    });

    it("refuses a co-applicant's professional situation without a co-applicant", () => {
      expect(
        issuesWith({
          professionalSituation: {
            applicant: { contractType: 'CDI' },
            coApplicant: { contractType: 'CDD' },
          },
        }),
      ).toEqual([at('/professionalSituation/coApplicant', 'there is no co-applicant')]);
    });

    it('refuses a spouse when the applicant is not married, a PACS partner when not in a PACS', () => {
      expect(issuesWith({ coApplicant: aCoApplicant(), household: { size: 3 } })).toEqual([
        at('/coApplicant/relationship', 'family situation is D, not M'),
      ]);
      expect(
        issuesWith({
          coApplicant: aCoApplicant({ relationship: 'pacs-partner' }),
          household: { size: 3 },
        }),
      ).toEqual([at('/coApplicant/relationship', 'not P')]);
      expect(
        issuesWith({
          coApplicant: aCoApplicant({ relationship: 'cohabitant' }),
          household: { size: 3 },
        }),
      ).toEqual([]);
    });
  });

  describe('motives and contacts', () => {
    it('requires details with motive 23 (other)', () => {
      expect(issuesWith({ motives: ['23'] })).toEqual([at('/motiveDetails', 'motive 23')]);
      expect(
        issuesWith({ motives: ['23'], motiveDetails: 'logement au 5e sans ascenseur' }),
      ).toEqual([]);
    });

    it('refuses SMS consent without a mobile', () => {
      expect(issuesWith({ contact: { email: 'a@example.fr', smsConsent: true } })).toEqual([
        at('/contact/smsConsent', 'needs a mobile number'),
      ]);
    });

    it('accepts international numbers', () => {
      expect(issuesWith({ contact: { mobile: '+32470123456', smsConsent: true } })).toEqual([]);
    });
  });

  describe('addresses', () => {
    it('requires the country of an address abroad', () => {
      expect(
        issuesWith({
          currentAddress: { abroad: true, postalCode: 'B-1000', locality: 'Bruxelles' },
        }),
      ).toEqual([at('/currentAddress/country', 'required for an address abroad')]);
    });

    it('refuses a French postal code that is not 5 digits', () => {
      expect(issuesWith({ postalAddress: { postalCode: '5700', locality: 'Metz' } })).toEqual([
        at('/postalAddress/postalCode', 'French postal code'),
      ]);
    });
  });

  it('answers schema and semantic issues together', () => {
    expect(
      issuesWith({
        applicant: anApplicant({ birthDate: '2030-01-01', nir: undefined }),
        referenceTaxIncome: undefined,
        wishedHousing: { dwellingTypes: ['T3'], communes: [METZ], firstChoiceCommune: NANCY },
      }),
    ).toEqual([
      at('/applicant/birthDate', 'is in the future'),
      at('/referenceTaxIncome', 'is required'),
      at('/wishedHousing/firstChoiceCommune', 'one of the wished communes'),
    ]);
  });
});

describe(validateDraftDemandInput.name, () => {
  it('accepts an empty draft', () => {
    expect(validateDraftDemandInput({}, options)).toEqual({ ok: true, value: {} });
  });

  it('accepts a draft with the identity only, even half-filled', () => {
    expect(
      validateDraftDemandInput({ applicant: { kind: 'person', lastName: 'Lefèvre' } }, options).ok,
    ).toBe(true);
  });

  it('skips the checks that need the whole form', () => {
    const draft = {
      applicant: { kind: 'person', familySituation: 'C' },
      household: { size: 4 },
      monthlyResources: [],
      motives: ['23'],
      coApplicant: { relationship: 'spouse' },
      contact: { smsConsent: true },
    };
    expect(validateDraftDemandInput(draft, options).ok).toBe(true);
  });

  it('still refuses wrong values', () => {
    expect(
      validateDraftDemandInput(
        {
          applicant: { kind: 'person', birthDate: '2023-02-30', lastName: { $gt: '' } },
          wishedHousing: { communes: ['57999'] },
          referenceTaxIncome: { amount: 0 },
          monthlyResources: [{ type: 'SAL', amount: 0 }],
          $where: '1',
        },
        options,
      ),
    ).toEqual({
      ok: false,
      issues: [
        at('/$where', 'is not an accepted field'),
        at('/applicant/birthDate', 'calendar date'),
        at('/applicant/lastName', 'must be of type string'),
        at('/monthlyResources/0/amount', 'more than 0'),
        at('/referenceTaxIncome/amount', 'placeholder'),
        at('/wishedHousing/communes/0', 'not the INSEE code'),
      ],
    });
  });

  it("requires the applicant's kind once there is an applicant", () => {
    expect(validateDraftDemandInput({ applicant: { lastName: 'Lefèvre' } }, options)).toEqual({
      ok: false,
      issues: [at('/applicant/kind', 'is required')],
    });
  });

  it('checks an association draft against the association form', () => {
    expect(
      validateDraftDemandInput({ applicant: { kind: 'association' }, motives: ['01'] }, options),
    ).toEqual({ ok: false, issues: [at('/motives', 'is not an accepted field')] });
  });
});

describe(validateRadiationRequest.name, () => {
  it('accepts an attribution with its details', () => {
    const request = {
      motive: 'RADATT',
      date: '2026-03-15',
      attribution: {
        commune: METZ,
        leaseSignedOn: '2026-03-12',
        reservationQuota: 'AL',
        rplsId: '0123456789',
        dalo: true,
      },
    };
    expect(validateRadiationRequest(request)).toEqual({ ok: true, value: request });
  });

  it('refuses unknown motives, impossible dates, missing quotas and unknown fields', () => {
    expect(
      validateRadiationRequest({
        motive: 'RADXXX',
        date: '2026-02-30',
        attribution: { commune: METZ, leaseSignedOn: '2026-03-12', rplsId: '12' },
        $unset: '',
      }),
    ).toEqual({
      ok: false,
      issues: [
        at('/$unset', 'is not an accepted field'),
        at('/attribution/reservationQuota', 'is required'),
        at('/attribution/rplsId', 'RPLS dwelling id'),
        at('/date', 'calendar date'),
        at('/motive', 'must be one of'),
      ],
    });
  });
});
