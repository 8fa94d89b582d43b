import {
  aCoApplicant,
  aDemandInput,
  aDependant,
  aMonthlyResource,
  METZ,
  THIONVILLE,
} from './demand.fixtures';
import {
  firstChoiceCommune,
  isPersonDemand,
  lastRenewal,
  namedHouseholdSize,
  totalMonthlyResources,
} from './demand';
import { anAssociationDemandInput } from './demand.fixtures';

describe(firstChoiceCommune.name, () => {
  it('is the declared first choice', () => {
    expect(
      firstChoiceCommune({
        dwellingTypes: ['T2'],
        communes: [METZ, THIONVILLE],
        firstChoiceCommune: THIONVILLE,
      }),
    ).toBe(THIONVILLE);
  });

  it('is the first wished commune when none is declared', () => {
    expect(firstChoiceCommune({ dwellingTypes: ['T2'], communes: [THIONVILLE, METZ] })).toBe(
      THIONVILLE,
    );
  });
});

describe(namedHouseholdSize.name, () => {
  it('counts the applicant, the co-applicant and the dependants', () => {
    expect(namedHouseholdSize({})).toBe(1);
    expect(
      namedHouseholdSize({ coApplicant: aCoApplicant(), dependants: [aDependant(), aDependant()] }),
    ).toBe(4);
  });
});

describe(totalMonthlyResources.name, () => {
  it('adds what is received and deducts the alimony paid, to the cent', () => {
    expect(
      totalMonthlyResources([
        aMonthlyResource({ amount: 1650.1 }),
        aMonthlyResource({ type: 'AF', amount: 141.99 }),
        aMonthlyResource({ type: 'PAV', amount: 200.2 }),
      ]),
    ).toBe(1591.89);
  });

  it('is 0 for no resource', () => {
    expect(totalMonthlyResources([])).toBe(0);
  });
});

describe(isPersonDemand.name, () => {
  it('tells a person from an association', () => {
    expect(isPersonDemand(aDemandInput())).toBe(true);
    expect(isPersonDemand(anAssociationDemandInput())).toBe(false);
  });
});

describe(lastRenewal.name, () => {
  it('is the latest renewal, or none', () => {
    const renewal = {
      date: '2026-04-01',
      guichetCode: '10691',
      online: true,
      nextAnniversaryDate: '2027-05-26',
    };
    expect(lastRenewal({ renewals: [] })).toBeUndefined();
    expect(lastRenewal({ renewals: [{ ...renewal, date: '2025-04-01' }, renewal] })).toBe(renewal);
  });
});

describe('the demand module', () => {
  it('leaves the date helpers to the dates module, so that the package exports them once', async () => {
    const [domain, demandModule] = await Promise.all([import('../index'), import('./index')]);
    expect(domain.addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect('addMonths' in demandModule).toBe(false);
  });
});
