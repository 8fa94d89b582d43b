/**
 * The fields a rule may name, with their type: validation refuses any other field and any value
 * of the wrong type, so a typo never silently matches nothing.
 */

export type FieldType = 'string' | 'number' | 'boolean' | 'object';

export interface FieldDefinition {
  readonly type: FieldType;
  /** Several values per document (a predicate holds when one of them satisfies it). */
  readonly list: boolean;
  readonly description: string;
  /** For lists of objects: the fields of one element, for `anyElement`. */
  readonly elementFields?: FieldCatalog;
  /** Few distinct values (event type, state...): a poor index key when a better one exists. */
  readonly lowCardinality?: boolean;
}

export type FieldCatalog = Readonly<Record<string, FieldDefinition>>;

const field = (type: FieldType, description: string, list = false): FieldDefinition => ({
  type,
  list,
  description,
});
const lowCardinality = (definition: FieldDefinition): FieldDefinition => ({
  ...definition,
  lowCardinality: true,
});

/**
 * The match document of a demand event: `event.*` (CloudEvent attributes) and `demand.*` (the
 * demand's state after the event, with derived values computed at the event's time).
 */
export const DEMAND_FIELDS: FieldCatalog = {
  'event.type': lowCardinality(field('string', 'CloudEvent type, e.g. sne.demand.registered.v1')),
  'event.guichet': field('string', 'code of the guichet that caused the event'),
  'demand.state': lowCardinality(field('string', 'draft, awaiting-validation, active, radiated')),
  'demand.department': field('string', 'INSEE department of the demand (3 characters, e.g. 057)'),
  'demand.epci': field('string', 'SIREN of the EPCI of the first-choice commune'),
  'demand.guichetCode': field('string', 'guichet that registered the demand'),
  'demand.wishedCommunes': field('string', 'INSEE codes of the wished communes', true),
  'demand.firstChoiceCommune': field('string', 'INSEE code of the first-choice commune'),
  'demand.currentCommune': field('string', 'INSEE code of the commune of residence'),
  'demand.dwellingTypes': lowCardinality(
    field('string', 'wished dwelling types: C, T1, T2, T3, T4, T5, T6P', true),
  ),
  'demand.householdSize': field('number', 'number of persons to house'),
  'demand.monthlyResources': field('number', 'monthly resources of the household, euros'),
  'demand.referenceTaxIncome': field('number', 'reference tax income (N-2), euros'),
  'demand.motives': field('string', 'demand motive codes 01-23', true),
  'demand.dalo': field('boolean', 'recognised priority under the DALO law'),
  'demand.priority': field('boolean', 'other priority status (collective agreement, local label)'),
  'demand.socialHousingTenant': field('boolean', 'already a social-housing tenant (transfer)'),
  'demand.disability': field('boolean', 'a member of the household has a disability'),
  'demand.reservationQuotas': lowCardinality(
    field('string', 'eligible reservation quotas (contingents)', true),
  ),
  'demand.applicantAge': field('number', "the applicant's age in years at the event's time"),
  'demand.seniorityMonths': field('number', 'months since the deposit, at the event time'),
  'demand.radiationMotive': lowCardinality(
    field('string', 'RADATT, RADABA, RADIRR, RADCON, RADREN'),
  ),
  'demand.dependants': {
    type: 'object',
    list: true,
    description: 'persons to house besides the applicant and co-applicant',
    elementFields: {
      kinship: field('string', 'P (parent), E (child), A (other)'),
      age: field('number', 'age in years'),
    },
  },
};
