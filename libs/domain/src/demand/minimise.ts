/**
 * A demand as the "consultant simple" profile sees it: what identifies the demand and what it
 * asks for, without the social-security numbers, incomes and resources, disability, and the free
 * texts where applicants explain their motives (often health). Works on the registered demand
 * and its snapshot alike, whatever else they carry.
 */
export function withoutSensitiveData<T extends object>(demand: T): T {
  const {
    referenceTaxIncome: _reference,
    lastYearTaxIncome: _lastYear,
    monthlyResources: _resources,
    noMonthlyResources: _none,
    disability: _disability,
    motiveDetails: _motiveDetails,
    remarks: _remarks,
    ...rest
  } = demand as Record<string, unknown>;
  const withoutNir = (person: unknown) => {
    if (!person || typeof person !== 'object') return person;
    const { nir: _nir, ...kept } = person as Record<string, unknown>;
    return kept;
  };
  const minimised: Record<string, unknown> = { ...rest };
  if ('applicant' in rest) minimised.applicant = withoutNir(rest.applicant);
  if ('coApplicant' in rest) minimised.coApplicant = withoutNir(rest.coApplicant);
  if (Array.isArray(rest.dependants)) minimised.dependants = rest.dependants.map(withoutNir);
  return minimised as T;
}
