import { normalizeDepartment } from '../numero-unique';
import {
  type GuichetType,
  INADMISSIBILITY_MOTIVES,
  MARRIED_OR_PACS,
  RESERVATION_QUOTAS,
  type InadmissibilityMotive,
  type RadiationMotive,
} from './codes';
import {
  departmentOfCommune,
  etalabCommunes,
  isInseeCommuneCode,
  type CommuneDirectory,
} from './communes';
import type {
  Attribution,
  Demand,
  DemandRecord,
  DepartmentCode,
  GuichetCode,
  Radiation,
  RecordedBy,
  SeniorityOrigin,
} from './demand';
import { isIsoDate, type IsoDate } from '../dates';
import {
  DEFAULT_ANNIVERSARY_RULES,
  isWithinReactivationWindow,
  lastReactivationDate,
  nextAnniversary,
  nonRenewalRadiationDate,
  type AnniversaryRules,
} from '../renewal/anniversary';

/**
 * The register's decisions on a demand's life: pure functions of the demand, the request, who
 * asks and the day. A refusal carries a stable code and a message; the app answers it with a 422.
 * Anniversaries, the month of grace and the reactivation window follow `AnniversaryRules`
 * (`../renewal/anniversary`), the same rules and settings as the renewal calendar's.
 */

/** A territory: the departments an actor works in, or the whole country (the portal, national level). */
export type Territory = 'national' | readonly DepartmentCode[];

export type Actor =
  | {
      readonly kind: 'guichet';
      readonly guichetCode: GuichetCode;
      readonly guichetType: GuichetType;
      readonly territory: Territory;
      /** A landlord's SIREN: its attributions are counted against it. */
      readonly siren?: string;
    }
  | { readonly kind: 'territorial-manager'; readonly territory: Territory }
  | { readonly kind: 'system' };

export type RefusalCode =
  | 'invalid-date'
  | 'outside-territory'
  | 'actor-not-allowed'
  | 'demand-not-active'
  | 'demand-radiated'
  | 'demand-not-radiated'
  | 'motive-not-allowed'
  | 'motive-reserved-to-system'
  | 'attribution-by-landlord-only'
  | 'renewal-not-overdue'
  | 'radiation-date-in-future'
  | 'radiation-before-deposit'
  | 'inadmissibility-motive-required'
  | 'inadmissibility-motive-unexpected'
  | 'attribution-details-required'
  | 'attribution-details-unexpected'
  | 'unknown-commune'
  | 'commune-outside-territory'
  | 'lease-after-recording'
  | 'lease-before-deposit'
  | 'reservation-quota-required'
  | 'invalid-rpls-id'
  | 'landlord-siren-missing'
  | 'not-radiated-for-non-renewal'
  | 'reactivation-period-over'
  | 'names-locked'
  | 'not-a-couple-demand';

export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly message: string;
}

export type Decision = { readonly ok: true } | Refusal;
export type DecisionWith<T> = { readonly ok: true; readonly value: T } | Refusal;

const OK: Decision = Object.freeze({ ok: true });
const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** The RPLS dwelling id as understood here: 10 digits (unsure; optional in the seeds' time). */
export const RPLS_ID_PATTERN = '^[0-9]{10}$';

// ---------------------------------------------------------------------------------------------
// Territory

function inTerritory(territory: Territory, department: DepartmentCode): boolean {
  if (territory === 'national') return true;
  const own = safeDepartment(department);
  return own !== undefined && territory.some((code) => safeDepartment(code) === own);
}

function safeDepartment(code: string): string | undefined {
  try {
    return normalizeDepartment(code);
  } catch {
    return undefined;
  }
}

/** Guichets and territorial managers act on the demands of their territory; the system on all. */
export function canActOnDemand(actor: Actor, demand: Pick<DemandRecord, 'department'>): Decision {
  if (actor.kind === 'system' || inTerritory(actor.territory, demand.department)) return OK;
  return refuse(
    'outside-territory',
    `the demand belongs to department ${demand.department}, outside the actor's territory`,
  );
}

function recordedBy(actor: Actor): RecordedBy {
  return actor.kind === 'guichet' ? actor.guichetCode : actor.kind;
}

// ---------------------------------------------------------------------------------------------
// Radiation

export interface RadiationRequest {
  readonly motive: RadiationMotive;
  /** The radiation date the guichet enters: today or earlier, not before the deposit. */
  readonly date: IsoDate;
  readonly inadmissibility?: InadmissibilityMotive;
  /** With RADATT; the landlord's SIREN comes from the actor. */
  readonly attribution?: Omit<Attribution, 'landlordSiren'>;
}

export type RadiationSubject = Pick<
  DemandRecord,
  'state' | 'department' | 'depositDate' | 'anniversaryDate'
>;

const MOTIVES_BY_ACTOR: Readonly<Record<Actor['kind'], readonly RadiationMotive[]>> = {
  // A landlord adds RADATT; RADREN is the system's.
  guichet: ['RADABA', 'RADIRR', 'RADCON', 'RADATT'],
  // Duplicates, inadmissible or unreachable applicants.
  'territorial-manager': ['RADABA', 'RADIRR', 'RADCON'],
  // Non-renewal, and the radiations that follow an unanswered warning.
  system: ['RADREN', 'RADCON', 'RADIRR'],
};

/**
 * Whether `actor` may radiate the demand today as requested; if so, the radiation to record.
 * `today` is the recording date. `communes` defaults to the INSEE communes of etalab; `rules`
 * give the month of grace before a radiation for non-renewal.
 */
export function canRadiate(
  demand: RadiationSubject,
  request: RadiationRequest,
  actor: Actor,
  today: IsoDate,
  communes: CommuneDirectory = etalabCommunes(),
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): DecisionWith<Radiation> {
  if (!isIsoDate(today) || !isIsoDate(request.date)) {
    return refuse('invalid-date', 'the radiation date and today must be calendar dates');
  }
  const territory = canActOnDemand(actor, demand);
  if (!territory.ok) return territory;
  if (demand.state === 'radiated')
    return refuse('demand-radiated', 'the demand is already radiated');
  if (demand.state !== 'active') {
    return refuse('demand-not-active', `a ${demand.state} demand cannot be radiated`);
  }

  const motive = checkMotive(demand, request.motive, actor, today, rules);
  if (!motive.ok) return motive;
  if (request.date > today) {
    return refuse('radiation-date-in-future', `the radiation date ${request.date} is after today`);
  }
  if (demand.depositDate && request.date < demand.depositDate) {
    return refuse(
      'radiation-before-deposit',
      `the radiation date ${request.date} is before the deposit on ${demand.depositDate}`,
    );
  }

  if (request.motive === 'RADIRR' && !request.inadmissibility) {
    return refuse(
      'inadmissibility-motive-required',
      `an inadmissibility needs its motive: ${INADMISSIBILITY_MOTIVES.join(' or ')}`,
    );
  }
  if (request.motive !== 'RADIRR' && request.inadmissibility) {
    return refuse(
      'inadmissibility-motive-unexpected',
      'only RADIRR takes an inadmissibility motive',
    );
  }
  if (request.motive !== 'RADATT') {
    if (request.attribution) {
      return refuse('attribution-details-unexpected', 'only RADATT takes attribution details');
    }
    return {
      ok: true,
      value: {
        date: request.date,
        motive: request.motive,
        ...(request.inadmissibility ? { inadmissibility: request.inadmissibility } : {}),
        recordedOn: today,
        recordedBy: recordedBy(actor),
      },
    };
  }
  const attribution = checkAttribution(demand, request.attribution, actor, today, communes);
  if (!attribution.ok) return attribution;
  return {
    ok: true,
    value: {
      date: request.date,
      motive: 'RADATT',
      attribution: attribution.value,
      recordedOn: today,
      recordedBy: recordedBy(actor),
    },
  };
}

function checkMotive(
  demand: RadiationSubject,
  motive: RadiationMotive,
  actor: Actor,
  today: IsoDate,
  rules: AnniversaryRules,
): Decision {
  if (motive === 'RADREN' && actor.kind !== 'system') {
    return refuse(
      'motive-reserved-to-system',
      'radiation for non-renewal (RADREN) is done by the register itself',
    );
  }
  if (motive === 'RADATT' && (actor.kind !== 'guichet' || actor.guichetType !== 'landlord')) {
    return refuse(
      'attribution-by-landlord-only',
      'only a landlord-type guichet may radiate for attribution (RADATT)',
    );
  }
  if (!MOTIVES_BY_ACTOR[actor.kind].includes(motive)) {
    return refuse('motive-not-allowed', `a ${actor.kind} may not radiate with motive ${motive}`);
  }
  if (motive === 'RADREN' && demand.anniversaryDate) {
    const due = nonRenewalRadiationDate(demand.anniversaryDate, rules);
    if (today < due) {
      return refuse(
        'renewal-not-overdue',
        `the demand may be renewed until ${due} (anniversary ${demand.anniversaryDate} + ${rules.radiationMonthsAfter} month(s))`,
      );
    }
  }
  return OK;
}

function checkAttribution(
  demand: RadiationSubject,
  details: RadiationRequest['attribution'],
  actor: Actor,
  today: IsoDate,
  communes: CommuneDirectory,
): DecisionWith<Attribution> {
  if (!details) {
    return refuse(
      'attribution-details-required',
      "an attribution needs the dwelling's commune, the lease signature date and the reservation quota",
    );
  }
  const { commune, leaseSignedOn, reservationQuota, rplsId } = details;
  if (!isInseeCommuneCode(commune) || !communes.has(commune)) {
    return refuse('unknown-commune', `"${commune}" is not the INSEE code of a current commune`);
  }
  if (departmentOfCommune(commune) !== safeDepartment(demand.department)) {
    return refuse(
      'commune-outside-territory',
      `the dwelling's commune ${commune} is not in the demand's department ${demand.department}`,
    );
  }
  if (!isIsoDate(leaseSignedOn)) {
    return refuse('invalid-date', 'the lease signature date must be a calendar date');
  }
  if (leaseSignedOn > today) {
    return refuse(
      'lease-after-recording',
      `the lease signature date ${leaseSignedOn} is after the day the radiation is recorded (${today})`,
    );
  }
  if (demand.depositDate && leaseSignedOn < demand.depositDate) {
    return refuse(
      'lease-before-deposit',
      `the lease was signed on ${leaseSignedOn}, before the demand was deposited on ${demand.depositDate}`,
    );
  }
  if (!(RESERVATION_QUOTAS as readonly string[]).includes(reservationQuota)) {
    return refuse(
      'reservation-quota-required',
      `the reservation quota under which the applicant was designated is required: ${RESERVATION_QUOTAS.join(', ')}`,
    );
  }
  if (rplsId !== undefined && !new RegExp(RPLS_ID_PATTERN).test(rplsId)) {
    return refuse('invalid-rpls-id', `"${rplsId}" is not an RPLS dwelling id (10 digits)`);
  }
  const siren = actor.kind === 'guichet' ? actor.siren : undefined;
  if (!siren || !isValidSiren(siren)) {
    return refuse(
      'landlord-siren-missing',
      'the landlord guichet has no valid SIREN to count the attribution against; the territorial manager must set it',
    );
  }
  return { ok: true, value: { ...details, landlordSiren: siren } };
}

/** 9 digits with a Luhn check digit. */
export function isValidSiren(siren: string): boolean {
  if (!/^[0-9]{9}$/.test(siren)) return false;
  let sum = 0;
  for (let index = 0; index < 9; index++) {
    let digit = Number(siren[8 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

// ---------------------------------------------------------------------------------------------
// Renewal

/**
 * Guichets and territorial managers renew active demands only. A renewal made today sets the
 * anniversary `nextAnniversary(depositDate, today, rules)`.
 */
export function canRenew(
  demand: Pick<DemandRecord, 'state' | 'department'>,
  actor: Actor,
): Decision {
  if (actor.kind === 'system') {
    return refuse('actor-not-allowed', 'a renewal is made by the applicant or a guichet');
  }
  const territory = canActOnDemand(actor, demand);
  if (!territory.ok) return territory;
  if (demand.state === 'radiated') {
    return refuse(
      'demand-radiated',
      'a radiated demand cannot be renewed: reactivate it if allowed, or file a new demand',
    );
  }
  if (demand.state !== 'active') {
    return refuse('demand-not-active', `a ${demand.state} demand cannot be renewed`);
  }
  return OK;
}

// ---------------------------------------------------------------------------------------------
// Reactivation

/**
 * A tolerance, not a right: a guichet (or the territorial manager) may reactivate a demand
 * radiated for non-renewal within the reactivation window, by default up to 5 months after the
 * radiation date, that day included (radiated 30 September → until 28 February, or 29 in a leap
 * year). The reactivated demand's anniversary is `anniversaryAfterReactivation`.
 */
export function canReactivate(
  demand: Pick<DemandRecord, 'state' | 'department' | 'radiation'>,
  actor: Actor,
  today: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): Decision {
  if (actor.kind === 'system') {
    return refuse('actor-not-allowed', 'a reactivation is a guichet’s decision');
  }
  const territory = canActOnDemand(actor, demand);
  if (!territory.ok) return territory;
  const { radiation } = demand;
  if (demand.state !== 'radiated' || !radiation) {
    return refuse('demand-not-radiated', 'only a radiated demand can be reactivated');
  }
  if (radiation.motive !== 'RADREN') {
    return refuse(
      'not-radiated-for-non-renewal',
      `a demand radiated with motive ${radiation.motive} cannot be reactivated; a new demand is needed`,
    );
  }
  if (!isWithinReactivationWindow(radiation.date, today, rules)) {
    return refuse(
      'reactivation-period-over',
      `the demand radiated on ${radiation.date} could be reactivated until ${lastReactivationDate(radiation.date, rules)}; a new demand is needed`,
    );
  }
  return OK;
}

// ---------------------------------------------------------------------------------------------
// Identity

export interface PersonNames {
  readonly lastName: string;
  readonly firstName: string;
}

const sameName = (a: string, b: string) => a.normalize('NFC').trim() === b.normalize('NFC').trim();

/** Last name and first name of an existing demand are locked; only the territorial manager changes them. */
export function canChangeNames(
  actor: Actor,
  current: PersonNames,
  proposed: PersonNames,
): Decision {
  if (
    sameName(current.lastName, proposed.lastName) &&
    sameName(current.firstName, proposed.firstName)
  ) {
    return OK;
  }
  if (actor.kind === 'territorial-manager') return OK;
  return refuse(
    'names-locked',
    "the applicant's last name and first name cannot be changed on an existing demand; ask the territorial manager",
  );
}

// ---------------------------------------------------------------------------------------------
// Separation of a couple

export interface SeparatedPartnerSeniority {
  readonly depositDate: IsoDate;
  readonly anniversaryDate: IsoDate;
  readonly seniorityOrigin: SeniorityOrigin;
}

const COUPLE_RELATIONSHIPS: readonly string[] = ['spouse', 'pacs-partner'];

/**
 * The seniority fields of the new demand of a member of a separated married or PACS couple
 * (interface file type CRS): it keeps the couple's deposit date. Its first renewal falls on the
 * anniversary a renewal made today would set (the new CERFA is fresh).
 */
export function separatedPartnerSeniority(
  original: Pick<Demand, 'state' | 'numeroUnique' | 'depositDate' | 'applicant'> & {
    readonly coApplicant?: { readonly relationship: string };
  },
  today: IsoDate,
  rules: AnniversaryRules = DEFAULT_ANNIVERSARY_RULES,
): DecisionWith<SeparatedPartnerSeniority> {
  const { numeroUnique, depositDate, applicant } = original;
  if (original.state !== 'active' || !numeroUnique || !depositDate) {
    return refuse('demand-not-active', "the couple's demand must be registered and active");
  }
  const married =
    applicant.kind === 'person' &&
    (MARRIED_OR_PACS.includes(applicant.familySituation) ||
      COUPLE_RELATIONSHIPS.includes(original.coApplicant?.relationship ?? ''));
  if (!married) {
    return refuse(
      'not-a-couple-demand',
      "only a member of a married or PACS couple keeps the seniority of the couple's demand",
    );
  }
  return {
    ok: true,
    value: {
      depositDate,
      anniversaryDate: nextAnniversary(depositDate, today, rules),
      seniorityOrigin: { kind: 'couple-separation', numeroUnique, depositDate },
    },
  };
}
