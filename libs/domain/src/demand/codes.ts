/**
 * Code lists of a demand. Where the register has codes (the SNE interface code lists, the
 * radiation motives of DOMAIN.md "Codes and rules from public sources") they are kept as they are,
 * so exports and interfaces speak the register's language; the labels are the French ones of the
 * CERFA and the screens. Lists the register gives no codes for (current housing, guichet types...)
 * use this project's kebab-case English codes.
 */

type CodeOf<T extends Readonly<Record<string, string>>> = Extract<keyof T, string>;

const codesOf = <T extends Readonly<Record<string, string>>>(labels: T) =>
  Object.keys(labels) as CodeOf<T>[];

/** Civility (interface codes 1-3). The NIR's first digit is 1 for men and 2 for women. */
export const CIVILITY_LABELS = { 1: 'Monsieur', 2: 'Madame', 3: 'Mademoiselle' } as const;
export const CIVILITIES = [1, 2, 3] as const;
export type Civility = (typeof CIVILITIES)[number];

export const NATIONALITY_LABELS = {
  1: 'Française',
  2: 'Union européenne (hors France) ou Espace économique européen',
  3: 'Autre',
} as const;
export const NATIONALITIES = [1, 2, 3] as const;
export type Nationality = (typeof NATIONALITIES)[number];

export const FAMILY_SITUATION_LABELS = {
  C: 'Célibataire',
  M: 'Marié(e)',
  D: 'Divorcé(e)',
  S: 'Séparé(e)',
  P: 'Pacsé(e)',
  U: 'Union libre (concubinage)',
  V: 'Veuf(ve)',
} as const;
export type FamilySituation = CodeOf<typeof FAMILY_SITUATION_LABELS>;
export const FAMILY_SITUATIONS = codesOf(FAMILY_SITUATION_LABELS);
/** The situations of a couple whose separation lets a member keep the couple's seniority. */
export const MARRIED_OR_PACS: readonly FamilySituation[] = ['M', 'P'];

/** How the co-applicant (codemandeur) relates to the applicant; no register codes known. */
export const CO_APPLICANT_RELATIONSHIP_LABELS = {
  spouse: 'Conjoint(e) marié(e)',
  'pacs-partner': 'Partenaire de PACS',
  cohabitant: 'Concubin(e)',
  'co-holder': 'Co-titulaire (autre lien)',
} as const;
export type CoApplicantRelationship = CodeOf<typeof CO_APPLICANT_RELATIONSHIP_LABELS>;
export const CO_APPLICANT_RELATIONSHIPS = codesOf(CO_APPLICANT_RELATIONSHIP_LABELS);

export const KINSHIP_LABELS = { P: 'Parent', E: 'Enfant', A: 'Autre' } as const;
export type Kinship = CodeOf<typeof KINSHIP_LABELS>;
export const KINSHIPS = codesOf(KINSHIP_LABELS);

/** Children in custody: alternating (garde alternée) or visiting rights (droit de visite). */
export const CUSTODY_LABELS = { G: 'Garde alternée', D: 'Droit de visite' } as const;
export type Custody = CodeOf<typeof CUSTODY_LABELS>;
export const CUSTODIES = codesOf(CUSTODY_LABELS);

export const CONTRACT_TYPE_LABELS = {
  CDI: 'CDI ou fonctionnaire',
  CDD: 'CDD, stage, intérim',
  ART: 'Artisan, commerçant, profession libérale',
  CHO: 'Chômage',
  APP: 'Apprenti',
  ETU: 'Étudiant',
  RET: 'Retraité',
  AUT: 'Autre',
} as const;
export type ContractType = CodeOf<typeof CONTRACT_TYPE_LABELS>;
export const CONTRACT_TYPES = codesOf(CONTRACT_TYPE_LABELS);

/** Monthly resources received. */
export const RESOURCE_TYPE_LABELS = {
  SAL: 'Salaire ou revenu d’activité',
  RET: 'Retraite',
  CHO: 'Allocation chômage',
  PAR: 'Pension alimentaire reçue',
  PINV: 'Pension d’invalidité',
  AF: 'Allocations familiales',
  AAH: 'Allocation aux adultes handicapés',
  AEEH: 'Allocation d’éducation de l’enfant handicapé',
  AJPP: 'Allocation journalière de présence parentale',
  RSA: 'Revenu de solidarité active',
  AMV: 'Allocation du minimum vieillesse',
  PAJE: 'Prestation d’accueil du jeune enfant',
  BE: 'Bourse étudiant',
  AUT: 'Autres ressources',
} as const;
/** Monthly amounts paid out, deducted from the household's resources. */
export const PAID_RESOURCE_TYPE_LABELS = { PAV: 'Pension alimentaire versée' } as const;
export type ReceivedResourceType = CodeOf<typeof RESOURCE_TYPE_LABELS>;
export type PaidResourceType = CodeOf<typeof PAID_RESOURCE_TYPE_LABELS>;
export type ResourceType = ReceivedResourceType | PaidResourceType;
export const RECEIVED_RESOURCE_TYPES = codesOf(RESOURCE_TYPE_LABELS);
export const PAID_RESOURCE_TYPES = codesOf(PAID_RESOURCE_TYPE_LABELS);
export const RESOURCE_TYPES: readonly ResourceType[] = [
  ...RECEIVED_RESOURCE_TYPES,
  ...PAID_RESOURCE_TYPES,
];

/** Whose resource it is. */
export const RESOURCE_HOLDERS = ['applicant', 'co-applicant', 'other-person'] as const;
export type ResourceHolder = (typeof RESOURCE_HOLDERS)[number];

/** Dwelling types: a room (chambre), T1 to T5, and T6 or more. */
export const DWELLING_TYPE_LABELS = {
  C: 'Chambre',
  T1: 'T1',
  T2: 'T2',
  T3: 'T3',
  T4: 'T4',
  T5: 'T5',
  T6P: 'T6 et plus',
} as const;
export type DwellingType = CodeOf<typeof DWELLING_TYPE_LABELS>;
export const DWELLING_TYPES = codesOf(DWELLING_TYPE_LABELS);

export const ACCOMMODATION_KIND_LABELS = {
  apartment: 'Appartement',
  house: 'Maison individuelle',
  indifferent: 'Indifférent',
} as const;
export type AccommodationKind = CodeOf<typeof ACCOMMODATION_KIND_LABELS>;
export const ACCOMMODATION_KINDS = codesOf(ACCOMMODATION_KIND_LABELS);

/** Current housing, as the instruction search screen ("Modèle de logement") and the CERFA list it. */
export const CURRENT_HOUSING_LABELS = {
  'social-housing-tenant': 'Locataire HLM',
  'private-tenant': 'Locataire parc privé',
  'social-residence': 'Résidence sociale ou foyer ou pension de famille',
  'social-hotel-residence': 'Résidence hôtelière à vocation sociale',
  'student-residence': 'Résidence étudiant',
  'temporary-subtenant': 'Sous-locataire ou hébergé dans un logement à titre temporaire',
  'shelter-structure': "Structure d'hébergement",
  'child-family-centre': 'Centre départemental de l’enfance et de la famille ou centre maternel',
  'with-parents-or-children': 'Chez vos parents ou vos enfants',
  'with-private-person': 'Chez un particulier',
  'owner-occupier': 'Propriétaire occupant',
  'tied-housing': 'Logement de fonction',
  'rent-free': 'Logé à titre gratuit',
  hotel: 'Hôtel',
  'camping-caravan': 'Camping, caravaning',
  squat: 'Squat',
  'rough-sleeper': 'Sans abri ou habitat de fortune',
  other: 'Autre',
} as const;
export type CurrentHousingSituation = CodeOf<typeof CURRENT_HOUSING_LABELS>;
export const CURRENT_HOUSING_SITUATIONS = codesOf(CURRENT_HOUSING_LABELS);

/** Demand motives 01-23 (SNE interface). */
export const MOTIVE_LABELS = {
  '01': 'Sans logement propre ou hébergé',
  '02': 'Démolition',
  '03': 'Logement non décent, insalubre ou dangereux',
  '04': 'Propriétaire reprend ou vend le logement',
  '05': "Procédure d'expulsion",
  '06': 'Violences familiales',
  '07': 'Handicap',
  '08': 'Raisons de santé',
  '09': 'Logement trop cher',
  '10': 'Logement trop grand',
  '11': 'Divorce, séparation',
  '12': 'Décohabitation (quitter le domicile familial)',
  '13': 'Logement trop petit',
  '14': 'Futur mariage, concubinage, PACS',
  '15': 'Regroupement familial',
  '16': 'Assistante maternelle ou familiale',
  '17': "Problèmes d'environnement ou de voisinage",
  '18': 'Mutation professionnelle',
  '19': 'Rapprochement du lieu de travail',
  '20': 'Rapprochement des équipements et services',
  '21': 'Rapprochement de la famille',
  '22': 'Accédant à la propriété en difficulté',
  '23': 'Autre motif',
} as const;
export type MotiveCode = CodeOf<typeof MOTIVE_LABELS>;
export const MOTIVES = codesOf(MOTIVE_LABELS);
/** "Autre motif": the applicant must say which. */
export const OTHER_MOTIVE: MotiveCode = '23';

/**
 * Reservation quotas (contingents): who designated the applicant for a dwelling. The codes are
 * the ones guichet filter rules already use (libs/matching workload, docs/benchmarks.md).
 */
export const RESERVATION_QUOTA_LABELS = {
  PREF: 'Contingent préfectoral (publics prioritaires)',
  FP: 'Contingent préfectoral fonctionnaires (agents de l’État)',
  COLL: 'Collectivité territoriale (commune, EPCI, département)',
  AL: 'Action Logement (employeurs)',
  BAIL: 'Bailleur (logement non réservé)',
} as const;
export type ReservationQuota = CodeOf<typeof RESERVATION_QUOTA_LABELS>;
export const RESERVATION_QUOTAS = codesOf(RESERVATION_QUOTA_LABELS);

export const RADIATION_MOTIVE_LABELS = {
  RADATT: "Attribution d'un logement",
  RADABA: 'Abandon (renonciation du demandeur)',
  RADIRR: 'Irrecevabilité',
  RADCON: 'Impossibilité de contacter le demandeur (non-réponse)',
  RADREN: 'Non-renouvellement',
} as const;
export type RadiationMotive = CodeOf<typeof RADIATION_MOTIVE_LABELS>;
export const RADIATION_MOTIVES = codesOf(RADIATION_MOTIVE_LABELS);

/** Mandatory sub-motive of an inadmissibility (RADIRR). */
export const INADMISSIBILITY_LABELS = {
  IRRSEJ: 'Séjour irrégulier',
  IRRRES: 'Ressources supérieures au plafond',
} as const;
export type InadmissibilityMotive = CodeOf<typeof INADMISSIBILITY_LABELS>;
export const INADMISSIBILITY_MOTIVES = codesOf(INADMISSIBILITY_LABELS);

export const DALO_STATUS_LABELS = {
  pending: 'Recours en cours',
  recognised: 'Reconnu prioritaire et urgent',
  rejected: 'Recours rejeté',
} as const;
export type DaloStatus = CodeOf<typeof DALO_STATUS_LABELS>;
export const DALO_STATUSES = codesOf(DALO_STATUS_LABELS);

/** The profile types of a guichet enregistreur (seed 003: bailleur, commune, EPCI, État, autre). */
export const GUICHET_TYPE_LABELS = {
  landlord: 'Bailleur',
  municipality: 'Commune',
  epci: 'EPCI',
  'state-service': "Service de l'État",
  'reservation-holder': 'Autre réservataire',
  other: 'Autre',
} as const;
export type GuichetType = CodeOf<typeof GUICHET_TYPE_LABELS>;
export const GUICHET_TYPES = codesOf(GUICHET_TYPE_LABELS);

/** Same literal values as `DEMAND_STATES` in @sne/contracts, which the domain must not import. */
export const DEMAND_STATES = ['draft', 'awaiting-validation', 'active', 'radiated'] as const;
export type DemandState = (typeof DEMAND_STATES)[number];
