import type {
  AssociationDemandInput,
  CoApplicant,
  Demand,
  Dependant,
  MonthlyResource,
  PersonApplicant,
  PersonDemandInput,
} from './demand';
import type { Actor } from './demand-rules';
import { nirKey } from './nir';

/**
 * Small factories for tests, valid by default; overrides replace whole top-level parts
 * (`aDemandInput({ applicant: anApplicant({ birthDate: '1990-01-01' }) })`). Deterministic:
 * the same call gives the same data. The household lives in Metz (Moselle, 057).
 */

/** A NIR with its right key, from its 13 first characters. */
export function aNir(body: string): string {
  return `${body}${String(nirKey(body)).padStart(2, '0')}`;
}

export const METZ = '57463';
export const THIONVILLE = '57672';
export const NANCY = '54395';
export const AJACCIO = '2A004';
export const SAINT_DENIS_REUNION = '97411';

export function anApplicant(overrides: Partial<PersonApplicant> = {}): PersonApplicant {
  return {
    kind: 'person',
    civility: 2,
    lastName: 'Lefèvre',
    birthName: 'Martin',
    firstName: 'Camille',
    birthDate: '1985-04-12',
    nationality: 1,
    familySituation: 'D',
    nir: aNir('2850457463123'),
    ...overrides,
  };
}

export function aCoApplicant(overrides: Partial<CoApplicant> = {}): CoApplicant {
  return {
    civility: 1,
    lastName: 'Lefèvre',
    firstName: 'Jean-Pierre',
    birthDate: '1983-11-02',
    nationality: 1,
    relationship: 'spouse',
    nir: aNir('1831157463045'),
    ...overrides,
  };
}

export function aDependant(overrides: Partial<Dependant> = {}): Dependant {
  return {
    lastName: 'Lefèvre',
    firstName: 'Zoé',
    birthDate: '2015-09-03',
    sex: 'F',
    kinship: 'E',
    ...overrides,
  };
}

export function aMonthlyResource(overrides: Partial<MonthlyResource> = {}): MonthlyResource {
  return { holder: 'applicant', type: 'SAL', amount: 1650, ...overrides };
}

/** A single parent and her daughter in Metz, working, asking for a T3 in Metz or Thionville. */
export function aDemandInput(overrides: Partial<PersonDemandInput> = {}): PersonDemandInput {
  return {
    applicant: anApplicant(),
    contact: {
      email: 'camille.lefevre@example.fr',
      mobile: '0612345678',
      smsConsent: true,
    },
    postalAddress: {
      number: '12',
      street: 'rue des Jardins',
      postalCode: '57000',
      locality: 'Metz',
      commune: METZ,
    },
    dependants: [aDependant()],
    household: { size: 2 },
    professionalSituation: {
      applicant: { contractType: 'CDI', since: '2019-09-01', profession: 'aide-soignante' },
    },
    referenceTaxIncome: { taxYear: 2023, amount: 19_800 },
    monthlyResources: [aMonthlyResource(), aMonthlyResource({ type: 'AF', amount: 141.99 })],
    currentHousing: {
      situation: 'private-tenant',
      since: '2016-02-01',
      monthlyRent: 780,
      dwellingType: 'T2',
      occupants: 2,
    },
    motives: ['09', '13'],
    wishedHousing: {
      dwellingTypes: ['T3'],
      communes: [METZ, THIONVILLE],
      firstChoiceCommune: METZ,
      accommodationKind: 'indifferent',
    },
    ...overrides,
  };
}

export function anAssociationDemandInput(
  overrides: Partial<AssociationDemandInput> = {},
): AssociationDemandInput {
  return {
    applicant: {
      kind: 'association',
      name: 'Association Toit Mosellan',
      siret: '12345678900011',
      representative: { civility: 1, lastName: 'Durand', firstName: 'Hugo', role: 'président' },
    },
    contact: { email: 'contact@toit-mosellan.example.org', homePhone: '0387000000' },
    postalAddress: {
      number: '3',
      street: 'place Saint-Louis',
      postalCode: '57000',
      locality: 'Metz',
    },
    household: { size: 3 },
    wishedHousing: { dwellingTypes: ['T4'], communes: [METZ] },
    ...overrides,
  };
}

/**
 * A registered, active demand: deposited on 26 May 2025 at guichet 10691 in Moselle, due for
 * renewal on 26 May 2026.
 */
export function aDemand(overrides: Partial<Demand> = {}): Demand {
  return {
    ...aDemandInput(),
    numeroUnique: '057 0525 000123 10691',
    state: 'active',
    version: 1,
    department: '057',
    depositDate: '2025-05-26',
    anniversaryDate: '2026-05-26',
    renewals: [],
    reactivations: [],
    createdBy: '10691',
    lastChangedBy: '10691',
    lastChangedOn: '2025-05-26',
    createdOnline: false,
    renewedOnline: false,
    ...overrides,
  } as Demand;
}

/** A landlord guichet of Moselle, with a valid SIREN. */
export function aLandlordGuichet(
  overrides: Partial<Extract<Actor, { kind: 'guichet' }>> = {},
): Actor {
  return {
    kind: 'guichet',
    guichetCode: '10691',
    guichetType: 'landlord',
    territory: ['057'],
    siren: '443061841',
    ...overrides,
  };
}

/** A municipality guichet of Moselle. */
export function aMunicipalityGuichet(
  overrides: Partial<Extract<Actor, { kind: 'guichet' }>> = {},
): Actor {
  return {
    kind: 'guichet',
    guichetCode: '57A01',
    guichetType: 'municipality',
    territory: ['057'],
    ...overrides,
  };
}

export function aTerritorialManager(territory: readonly string[] = ['057', '054']): Actor {
  return { kind: 'territorial-manager', territory };
}

export const THE_SYSTEM: Actor = { kind: 'system' };
