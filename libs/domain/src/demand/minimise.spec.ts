import { aDemandInput, anApplicant } from './demand.fixtures';
import { withoutSensitiveData } from './minimise';

describe('withoutSensitiveData', () => {
  const demand = {
    ...aDemandInput({ applicant: anApplicant() }),
    coApplicant: { nir: '285057546300512', lastName: 'Martin' },
    dependants: [{ nir: '110057546300599', firstName: 'Léa' }],
    disability: { concerned: true, remarks: 'fauteuil' },
    motiveDetails: 'santé',
  };

  it('drops NIRs, incomes, resources, disability and motive details', () => {
    const kept = withoutSensitiveData(demand) as unknown as Record<string, any>;
    for (const field of [
      'referenceTaxIncome',
      'lastYearTaxIncome',
      'monthlyResources',
      'disability',
      'motiveDetails',
      'remarks',
    ])
      expect(kept).not.toHaveProperty(field);
    expect(kept.applicant).not.toHaveProperty('nir');
    expect(kept.coApplicant).toEqual({ lastName: 'Martin' });
    expect(kept.dependants).toEqual([{ firstName: 'Léa' }]);
  });

  it('keeps what identifies the demand and what it asks for', () => {
    const kept = withoutSensitiveData(demand);
    expect(kept.applicant.lastName).toBe(demand.applicant.lastName);
    expect(kept.wishedHousing).toEqual(demand.wishedHousing);
    expect(kept.household).toEqual(demand.household);
  });
});
