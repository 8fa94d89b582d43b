import type {
  AccommodationKind,
  Civility,
  CoApplicantRelationship,
  ContractType,
  CurrentHousingSituation,
  Custody,
  DaloStatus,
  DemandState,
  DwellingType,
  FamilySituation,
  InadmissibilityMotive,
  Kinship,
  MotiveCode,
  Nationality,
  RadiationMotive,
  ReservationQuota,
  ResourceHolder,
  ResourceType,
} from './codes';
import { PAID_RESOURCE_TYPES } from './codes';
import type { IsoDate } from '../dates';
import type { Sex } from './nir';
import type { IdentityVerification } from './portal-rules';
import type { ProcessingEvent } from './processing-events';

/**
 * A social-housing demand, shaped on the CERFA 14069 and the register's screens (tabs Demandeur,
 * Conjoint ou co-titulaire, Personnes à charge, Situation prof., Revenu fiscal, Ressources
 * mensuelles, Logement actuel, Motif demande, Logement recherché, Précisions, Complément
 * handicap). `DemandInput` is what a guichet or the portal sends; `Demand` adds what the register
 * keeps about it (state, version, dates, renewals, radiation).
 */

/** INSEE code of a commune, e.g. `57463`, `2A004`, `97411`. */
export type InseeCode = string;
/** A guichet's 5-character code, e.g. `10691`. */
export type GuichetCode = string;
/** INSEE department on 3 characters, e.g. `057`, `02A`, `974`. */
export type DepartmentCode = string;

export interface PersonIdentity {
  readonly civility: Civility;
  readonly lastName: string;
  /** Nom de naissance (nom de jeune fille), when it differs from the last name. */
  readonly birthName?: string;
  readonly firstName: string;
  readonly birthDate: IsoDate;
  readonly nationality: Nationality;
  /** Social-security number, 15 characters; never logged. */
  readonly nir?: string;
}

export interface PersonApplicant extends PersonIdentity {
  readonly kind: 'person';
  readonly familySituation: FamilySituation;
}

/** An association filing for the people it houses fills only identity, address and wishes. */
export interface AssociationApplicant {
  readonly kind: 'association';
  readonly name: string;
  readonly siret?: string;
  readonly representative?: {
    readonly civility: Civility;
    readonly lastName: string;
    readonly firstName: string;
    readonly role?: string;
  };
}

export type Applicant = PersonApplicant | AssociationApplicant;

export interface Contact {
  readonly email?: string;
  readonly mobile?: string;
  readonly homePhone?: string;
  readonly workPhone?: string;
  /** The applicant agrees to be notified by SMS (renewal notices); needs a mobile. */
  readonly smsConsent?: boolean;
}

export interface Address {
  /** An address abroad: then `country` is required and the postal code is free-form. */
  readonly abroad?: boolean;
  readonly apartment?: string;
  readonly staircase?: string;
  readonly floor?: string;
  readonly building?: string;
  readonly complement?: string;
  readonly number?: string;
  readonly street?: string;
  readonly lieuDit?: string;
  readonly postalCode: string;
  readonly locality: string;
  readonly country?: string;
  /** INSEE code of the commune, for French addresses. */
  readonly commune?: InseeCode;
  /** If hosted: the person or structure hosting the applicant. */
  readonly hostedBy?: string;
}

export interface CoApplicant extends PersonIdentity {
  readonly relationship: CoApplicantRelationship;
}

export interface Dependant {
  readonly lastName: string;
  readonly firstName: string;
  readonly birthDate: IsoDate;
  readonly sex?: Sex;
  readonly kinship: Kinship;
  /** For children in custody: alternating (G) or visiting rights (D). */
  readonly custody?: Custody;
  /** Adults to house give their NIR too. */
  readonly nir?: string;
}

export interface UnbornChildren {
  readonly count: number;
  readonly expectedDate: IsoDate;
}

export interface Household {
  /** Persons to house: applicant, co-applicant, dependants (and, at most, the unborn children). */
  readonly size: number;
}

export interface ProfessionalSituation {
  readonly contractType: ContractType;
  readonly since?: IsoDate;
  readonly profession?: string;
  readonly employerName?: string;
  readonly workplaceCommune?: InseeCode;
}

/**
 * Revenu fiscal de référence, in whole euros, of the tax year the ceiling test uses (N-2). It is
 * mandatory, and 0 is accepted only when `zeroDeclared` says the tax notice really shows 0:
 * guichets used to type 0 for a missing income, which the register forbids.
 */
export interface ReferenceTaxIncome {
  readonly taxYear: number;
  readonly amount: number;
  readonly zeroDeclared?: boolean;
}

export interface MonthlyResource {
  readonly holder: ResourceHolder;
  readonly type: ResourceType;
  /** Euros per month, more than 0: a type the household does not receive is left out. */
  readonly amount: number;
}

export interface CurrentHousing {
  readonly situation: CurrentHousingSituation;
  readonly since?: IsoDate;
  readonly monthlyRent?: number;
  readonly dwellingType?: DwellingType;
  readonly occupants?: number;
}

export interface WishedHousing {
  readonly dwellingTypes: readonly DwellingType[];
  /** INSEE codes; when `firstChoiceCommune` is absent, the first one is the first choice. */
  readonly communes: readonly InseeCode[];
  readonly firstChoiceCommune?: InseeCode;
  readonly accommodationKind?: AccommodationKind;
  readonly maxMonthlyRent?: number;
  readonly elevatorNeeded?: boolean;
  readonly parkingNeeded?: boolean;
  readonly remarks?: string;
}

export interface Disability {
  /** A member of the household has a disability. */
  readonly concerned: boolean;
  readonly wheelchairAccessibleNeeded?: boolean;
  readonly adaptedHousingNeeded?: boolean;
  readonly remarks?: string;
}

export interface PersonDemandInput {
  readonly applicant: PersonApplicant;
  readonly contact: Contact;
  readonly postalAddress: Address;
  /** Where the applicant lives, when it differs from the postal address. */
  readonly currentAddress?: Address;
  readonly coApplicant?: CoApplicant;
  readonly dependants?: readonly Dependant[];
  readonly unbornChildren?: UnbornChildren;
  readonly household: Household;
  readonly professionalSituation: {
    readonly applicant: ProfessionalSituation;
    readonly coApplicant?: ProfessionalSituation;
  };
  readonly referenceTaxIncome: ReferenceTaxIncome;
  /** N-1, when the household's income has dropped since the reference year. */
  readonly lastYearTaxIncome?: ReferenceTaxIncome;
  readonly monthlyResources: readonly MonthlyResource[];
  /** Says explicitly that the household has no monthly resource at all. */
  readonly noMonthlyResources?: boolean;
  readonly currentHousing: CurrentHousing;
  readonly motives: readonly MotiveCode[];
  /** Required with motive 23 (other). */
  readonly motiveDetails?: string;
  readonly wishedHousing: WishedHousing;
  readonly disability?: Disability;
  /** Quotas (contingents) the household is eligible to. */
  readonly reservationQuotas?: readonly ReservationQuota[];
  /** "Précisions": anything else the applicant wants known. */
  readonly remarks?: string;
}

export interface AssociationDemandInput {
  readonly applicant: AssociationApplicant;
  readonly contact: Contact;
  readonly postalAddress: Address;
  readonly household?: Household;
  readonly wishedHousing: WishedHousing;
  readonly reservationQuotas?: readonly ReservationQuota[];
  readonly remarks?: string;
}

/** The CERFA as a guichet or the portal sends it, to create a demand or replace its data. */
export type DemandInput = PersonDemandInput | AssociationDemandInput;

export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A draft: any part may be missing, but what is there is checked, and the applicant's kind is known. */
export type DraftDemandInput =
  | (DeepPartial<Omit<PersonDemandInput, 'applicant'>> & {
      readonly applicant?: DeepPartial<PersonApplicant> & { readonly kind: 'person' };
    })
  | (DeepPartial<Omit<AssociationDemandInput, 'applicant'>> & {
      readonly applicant?: DeepPartial<AssociationApplicant> & { readonly kind: 'association' };
    });

export interface DaloInformation {
  readonly status: DaloStatus;
  readonly decisionDate?: IsoDate;
  readonly socialDiagnosisPrescribed?: boolean;
  readonly socialSupportPrescribed?: boolean;
  readonly dwellingTypes?: readonly DwellingType[];
  readonly lastChangedOn?: IsoDate;
}

/** Field names as the renewal calendar's `RenewalSubject` reads them (`date`, `online`). */
export interface Renewal {
  readonly date: IsoDate;
  readonly guichetCode: GuichetCode;
  readonly online: boolean;
  /** The anniversary the renewal set. */
  readonly nextAnniversaryDate: IsoDate;
}

export interface Attribution {
  /** INSEE code of the dwelling's commune, inside the demand's territory. */
  readonly commune: InseeCode;
  /** On or before the day the radiation is recorded. */
  readonly leaseSignedOn: IsoDate;
  /** The quota under which the applicant was designated. */
  readonly reservationQuota: ReservationQuota;
  /** The dwelling in the RPLS directory; optional today, mandatory later. */
  readonly rplsId?: string;
  /** Attributions are counted against the landlord's SIREN. */
  readonly landlordSiren: string;
  readonly collectiveAgreement?: boolean;
  readonly dalo?: boolean;
}

/** Who recorded something: a guichet code, or `territorial-manager`, or `system`. */
export type RecordedBy = string;

export interface Radiation {
  readonly date: IsoDate;
  readonly motive: RadiationMotive;
  /** Mandatory with RADIRR. */
  readonly inadmissibility?: InadmissibilityMotive;
  /** Mandatory with RADATT. */
  readonly attribution?: Attribution;
  readonly recordedOn: IsoDate;
  readonly recordedBy: RecordedBy;
}

export interface Reactivation {
  readonly date: IsoDate;
  readonly recordedBy: RecordedBy;
  /** The radiation it cancelled. */
  readonly radiation: Radiation;
}

/** Where a demand's seniority comes from when it is not its own registration. */
export interface SeniorityOrigin {
  readonly kind: 'couple-separation';
  readonly numeroUnique: string;
  readonly depositDate: IsoDate;
}

export interface DemandRecord {
  /** Absent until registration (drafts, portal demands awaiting validation). */
  readonly numeroUnique?: string;
  readonly state: DemandState;
  /** Starts at 1; every change adds 1. */
  readonly version: number;
  readonly department: DepartmentCode;
  /** The date of deposit, proof of seniority (kept from the couple's demand after a separation). */
  readonly depositDate?: IsoDate;
  /** The date by which the demand must be renewed ("date du prochain renouvellement"). */
  readonly anniversaryDate?: IsoDate;
  readonly renewals: readonly Renewal[];
  readonly radiation?: Radiation;
  readonly reactivations: readonly Reactivation[];
  readonly createdBy: GuichetCode;
  /** The guichet that validated a portal demand. */
  readonly validatedBy?: GuichetCode;
  readonly lastChangedBy: GuichetCode;
  readonly lastChangedOn: IsoDate;
  readonly createdOnline: boolean;
  /** Renewed online at least once: no paper notice is sent any more. */
  readonly renewedOnline: boolean;
  readonly seniorityOrigin?: SeniorityOrigin;
  /** A portal demand: the identity check of the guichet that validated it. */
  readonly identityVerification?: IdentityVerification;
  /** Shared management: CAL, visits, refusals, lease, in the order recorded. */
  readonly processingEvents?: readonly ProcessingEvent[];
  readonly dalo?: DaloInformation;
  readonly renewalNotices?: {
    readonly simpleSentOn?: IsoDate;
    readonly registeredSentOn?: IsoDate;
  };
}

export type Demand = DemandRecord & DemandInput;
export type DraftDemand = DemandRecord & DraftDemandInput & { readonly state: 'draft' };

export function isPersonDemand(input: DemandInput): input is PersonDemandInput {
  return input.applicant.kind === 'person';
}

export function firstChoiceCommune(wished: WishedHousing): InseeCode | undefined {
  return wished.firstChoiceCommune ?? wished.communes[0];
}

/** The persons the demand names: applicant, co-applicant, dependants (not the unborn). */
export function namedHouseholdSize(input: {
  readonly coApplicant?: unknown;
  readonly dependants?: readonly unknown[];
}): number {
  return 1 + (input.coApplicant ? 1 : 0) + (input.dependants?.length ?? 0);
}

/** Monthly resources received minus those paid (alimony paid, PAV). */
export function totalMonthlyResources(resources: readonly MonthlyResource[]): number {
  const paid = new Set<string>(PAID_RESOURCE_TYPES);
  const cents = resources.reduce(
    (sum, { type, amount }) => sum + (paid.has(type) ? -1 : 1) * Math.round(amount * 100),
    0,
  );
  return cents / 100;
}

export function lastRenewal(demand: Pick<DemandRecord, 'renewals'>): Renewal | undefined {
  return demand.renewals.at(-1);
}
