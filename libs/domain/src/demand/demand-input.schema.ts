import {
  ACCOMMODATION_KINDS,
  CIVILITIES,
  CO_APPLICANT_RELATIONSHIPS,
  CONTRACT_TYPES,
  CURRENT_HOUSING_SITUATIONS,
  CUSTODIES,
  DWELLING_TYPES,
  FAMILY_SITUATIONS,
  INADMISSIBILITY_MOTIVES,
  KINSHIPS,
  MOTIVES,
  NATIONALITIES,
  RADIATION_MOTIVES,
  RESERVATION_QUOTAS,
  RESOURCE_HOLDERS,
  RESOURCE_TYPES,
} from './codes';
import { INSEE_COMMUNE_PATTERN } from './communes';
import { RPLS_ID_PATTERN } from './demand-rules';
import { NIR_PATTERN } from './nir';

/**
 * JSON Schemas (2020-12) of the CERFA a guichet or the portal sends. Every object is closed
 * (`additionalProperties: false`) and every value typed, so no unknown key (`$where`, `$set`...)
 * and no object where a string is expected (`{"$gt": ""}`) ever reaches a handler or a query.
 * Semantic checks (calendar dates, INSEE codes, NIR keys, consistency) are in validate-demand.ts.
 */

export const DEMAND_INPUT_LIMITS = {
  /** "Commonly 8" (DOMAIN.md, unsure); the register's exact limit was not found. */
  wishedCommunes: 8,
  dependants: 20,
  monthlyResources: 40,
  householdSize: 30,
  monthlyAmount: 1_000_000,
  taxIncome: 100_000_000,
} as const;

/** `format: 'iso-date'`: a real calendar day, registered on the validator's Ajv instance. */
export const ISO_DATE_FORMAT = 'iso-date';

type Schema = Readonly<Record<string, unknown>>;

const text = (maxLength: number): Schema => ({ type: 'string', minLength: 1, maxLength });
/** Letters (any script, with accents), spaces, hyphens, apostrophes and dots; no digits. */
const name: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 80,
  pattern: "^(?:[\\p{L}\\p{M}][\\p{L}\\p{M} '’ʼ.-]*)?$",
};
const date: Schema = { type: 'string', maxLength: 10, format: ISO_DATE_FORMAT };
const flag: Schema = { type: 'boolean' };
const oneOf = (values: readonly (string | number)[]): Schema => ({ enum: [...values] });
const setOf = (items: Schema, maxItems: number, minItems = 0): Schema => ({
  type: 'array',
  items,
  uniqueItems: true,
  minItems,
  maxItems,
});
const amount = (maximum: number): Schema => ({ type: 'number', minimum: 0, maximum });
const commune: Schema = { type: 'string', maxLength: 5, pattern: INSEE_COMMUNE_PATTERN };
const nir: Schema = { type: 'string', maxLength: 15, pattern: NIR_PATTERN };
const phone: Schema = {
  type: 'string',
  maxLength: 16,
  pattern: '^(?:0[1-9][0-9]{8}|\\+[1-9][0-9]{7,14})$',
};
const mobile: Schema = {
  type: 'string',
  maxLength: 16,
  pattern: '^(?:0[67][0-9]{8}|\\+[1-9][0-9]{7,14})$',
};

const object = (properties: Record<string, Schema>, required: readonly string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length > 0 ? { required: [...required] } : {}),
});

const identity = {
  civility: oneOf(CIVILITIES),
  lastName: name,
  birthName: name,
  firstName: name,
  birthDate: date,
  nationality: oneOf(NATIONALITIES),
  nir,
};
const identityRequired = ['civility', 'lastName', 'firstName', 'birthDate', 'nationality'];

const personApplicant = object(
  { kind: { const: 'person' }, ...identity, familySituation: oneOf(FAMILY_SITUATIONS) },
  ['kind', ...identityRequired, 'familySituation'],
);

const associationApplicant = object(
  {
    kind: { const: 'association' },
    name: text(200),
    siret: { type: 'string', maxLength: 14, pattern: '^[0-9]{14}$' },
    representative: object(
      { civility: oneOf(CIVILITIES), lastName: name, firstName: name, role: text(100) },
      ['civility', 'lastName', 'firstName'],
    ),
  },
  ['kind', 'name'],
);

const contact = object({
  email: { type: 'string', maxLength: 254, format: 'email' },
  mobile,
  homePhone: phone,
  workPhone: phone,
  smsConsent: flag,
});

const address = object(
  {
    abroad: flag,
    apartment: text(38),
    staircase: text(38),
    floor: text(38),
    building: text(38),
    complement: text(38),
    number: text(10),
    street: text(120),
    lieuDit: text(120),
    postalCode: text(12),
    locality: text(80),
    country: text(80),
    commune,
    hostedBy: text(120),
  },
  ['postalCode', 'locality'],
);

const coApplicant = object({ ...identity, relationship: oneOf(CO_APPLICANT_RELATIONSHIPS) }, [
  ...identityRequired,
  'relationship',
]);

const dependant = object(
  {
    lastName: name,
    firstName: name,
    birthDate: date,
    sex: oneOf(['M', 'F']),
    kinship: oneOf(KINSHIPS),
    custody: oneOf(CUSTODIES),
    nir,
  },
  ['lastName', 'firstName', 'birthDate', 'kinship'],
);

const professionalSituation = object(
  {
    contractType: oneOf(CONTRACT_TYPES),
    since: date,
    profession: text(100),
    employerName: text(120),
    workplaceCommune: commune,
  },
  ['contractType'],
);

const taxIncome = object(
  {
    taxYear: { type: 'integer', minimum: 1990, maximum: 2999 },
    amount: { type: 'integer', minimum: 0, maximum: DEMAND_INPUT_LIMITS.taxIncome },
    zeroDeclared: flag,
  },
  ['taxYear', 'amount'],
);

const monthlyResource = object(
  {
    holder: oneOf(RESOURCE_HOLDERS),
    type: oneOf(RESOURCE_TYPES),
    amount: amount(DEMAND_INPUT_LIMITS.monthlyAmount),
  },
  ['holder', 'type', 'amount'],
);

const household = object(
  { size: { type: 'integer', minimum: 1, maximum: DEMAND_INPUT_LIMITS.householdSize } },
  ['size'],
);

const wishedHousing = object(
  {
    dwellingTypes: setOf(oneOf(DWELLING_TYPES), DWELLING_TYPES.length, 1),
    communes: setOf(commune, DEMAND_INPUT_LIMITS.wishedCommunes, 1),
    firstChoiceCommune: commune,
    accommodationKind: oneOf(ACCOMMODATION_KINDS),
    maxMonthlyRent: amount(DEMAND_INPUT_LIMITS.monthlyAmount),
    elevatorNeeded: flag,
    parkingNeeded: flag,
    remarks: text(1000),
  },
  ['dwellingTypes', 'communes'],
);

const reservationQuotas = setOf(oneOf(RESERVATION_QUOTAS), RESERVATION_QUOTAS.length);

const personDemand = object(
  {
    applicant: personApplicant,
    contact,
    postalAddress: address,
    currentAddress: address,
    coApplicant,
    dependants: {
      type: 'array',
      items: dependant,
      maxItems: DEMAND_INPUT_LIMITS.dependants,
    },
    unbornChildren: object(
      { count: { type: 'integer', minimum: 1, maximum: 9 }, expectedDate: date },
      ['count', 'expectedDate'],
    ),
    household,
    professionalSituation: object(
      { applicant: professionalSituation, coApplicant: professionalSituation },
      ['applicant'],
    ),
    referenceTaxIncome: taxIncome,
    lastYearTaxIncome: taxIncome,
    monthlyResources: {
      type: 'array',
      items: monthlyResource,
      maxItems: DEMAND_INPUT_LIMITS.monthlyResources,
    },
    noMonthlyResources: flag,
    currentHousing: object(
      {
        situation: oneOf(CURRENT_HOUSING_SITUATIONS),
        since: date,
        monthlyRent: amount(DEMAND_INPUT_LIMITS.monthlyAmount),
        dwellingType: oneOf(DWELLING_TYPES),
        occupants: { type: 'integer', minimum: 1, maximum: DEMAND_INPUT_LIMITS.householdSize },
      },
      ['situation'],
    ),
    motives: setOf(oneOf(MOTIVES), MOTIVES.length, 1),
    motiveDetails: text(500),
    wishedHousing,
    disability: object(
      {
        concerned: flag,
        wheelchairAccessibleNeeded: flag,
        adaptedHousingNeeded: flag,
        remarks: text(1000),
      },
      ['concerned'],
    ),
    reservationQuotas,
    remarks: text(2000),
  },
  [
    'applicant',
    'contact',
    'postalAddress',
    'household',
    'professionalSituation',
    'referenceTaxIncome',
    'monthlyResources',
    'currentHousing',
    'motives',
    'wishedHousing',
  ],
);

const associationDemand = object(
  {
    applicant: associationApplicant,
    contact,
    postalAddress: address,
    household,
    wishedHousing,
    reservationQuotas,
    remarks: text(2000),
  },
  ['applicant', 'contact', 'postalAddress', 'wishedHousing'],
);

/** The applicant's kind chooses the variant, so errors come from that variant only. */
const byApplicantKind = (person: Schema, association: Schema): Schema => ({
  type: 'object',
  if: {
    type: 'object',
    required: ['applicant'],
    properties: {
      applicant: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { const: 'association' } },
      },
    },
  },
  then: association,
  else: person,
});

/**
 * A draft: the same shapes with nothing required but the applicant's kind, and no minimum item
 * counts. The `if` that picks the variant is kept as it is.
 */
function relaxed(schema: Schema): Schema {
  const {
    required,
    minItems: _minItems,
    properties,
    items,
    then,
    else: otherwise,
    ...rest
  } = schema as Record<string, unknown>;
  const kept = Array.isArray(required) ? required.filter((key) => key === 'kind') : [];
  return {
    ...rest,
    ...(kept.length > 0 ? { required: kept } : {}),
    ...(properties
      ? {
          properties: Object.fromEntries(
            Object.entries(properties as Record<string, Schema>).map(([key, value]) => [
              key,
              relaxed(value),
            ]),
          ),
        }
      : {}),
    ...(items ? { items: relaxed(items as Schema) } : {}),
    ...(then ? { then: relaxed(then as Schema) } : {}),
    ...(otherwise ? { else: relaxed(otherwise as Schema) } : {}),
  };
}

/** Body to create a demand, or to replace its CERFA data on update (the whole form is sent). */
export const demandInputSchema: Schema = {
  $id: 'https://schemas.sne.example/demand-input.json',
  ...byApplicantKind(personDemand, associationDemand),
};

/** Body to save a draft (guichet) or an unfinished portal demand. */
export const draftDemandInputSchema: Schema = {
  $id: 'https://schemas.sne.example/draft-demand-input.json',
  ...relaxed(byApplicantKind(personDemand, associationDemand)),
};

/** Body of a radiation: motive and date, the sub-motive of RADIRR, the details of RADATT. */
export const radiationRequestSchema: Schema = {
  $id: 'https://schemas.sne.example/radiation-request.json',
  ...object(
    {
      motive: oneOf(RADIATION_MOTIVES),
      date,
      inadmissibility: oneOf(INADMISSIBILITY_MOTIVES),
      attribution: object(
        {
          commune,
          leaseSignedOn: date,
          reservationQuota: oneOf(RESERVATION_QUOTAS),
          rplsId: { type: 'string', maxLength: 10, pattern: RPLS_ID_PATTERN },
          collectiveAgreement: flag,
          dalo: flag,
        },
        ['commune', 'leaseSignedOn', 'reservationQuota'],
      ),
    },
    ['motive', 'date'],
  ),
};
