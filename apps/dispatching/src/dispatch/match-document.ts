import type { CloudEvent, DemandSnapshot } from '@sne/contracts';
import type { MatchDocument } from '@sne/matching';

/**
 * The document guichet rules are matched against (fields: DEMAND_FIELDS in libs/matching), made
 * from an event and the demand's state. Derived values (age, seniority) are computed at the
 * event's time, so replaying an event matches the same way.
 *
 * This is the one place that knows how the registration app's demand snapshot is shaped.
 */
export function matchDocument(
  event: CloudEvent,
  demand: DemandSnapshot | undefined,
): MatchDocument {
  const at = new Date(event.time);
  return {
    event: { type: event.type, ...(event.guichet ? { guichet: event.guichet } : {}) },
    demand: demand ? demandFields(demand, at) : {},
  };
}

type Loose = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;
const number = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const flag = (value: unknown): boolean | undefined =>
  typeof value === 'boolean' ? value : undefined;
const texts = (value: unknown): string[] | undefined =>
  Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : undefined;
const object = (value: unknown): Loose =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};

/** Whole years between a birth date (YYYY-MM-DD) and a date. */
export function ageAt(birthDate: unknown, at: Date): number | undefined {
  const birth =
    typeof birthDate === 'string' ? new Date(`${birthDate.slice(0, 10)}T00:00:00Z`) : undefined;
  if (!birth || Number.isNaN(birth.getTime())) return undefined;
  let age = at.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    at.getUTCMonth() < birth.getUTCMonth() ||
    (at.getUTCMonth() === birth.getUTCMonth() && at.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age--;
  return age >= 0 ? age : undefined;
}

/** Whole months between the deposit (YYYY-MM-DD) and a date. */
export function monthsSince(depositDate: unknown, at: Date): number | undefined {
  const deposit =
    typeof depositDate === 'string' ? new Date(`${depositDate.slice(0, 10)}T00:00:00Z`) : undefined;
  if (!deposit || Number.isNaN(deposit.getTime())) return undefined;
  let months =
    (at.getUTCFullYear() - deposit.getUTCFullYear()) * 12 +
    (at.getUTCMonth() - deposit.getUTCMonth());
  if (at.getUTCDate() < deposit.getUTCDate()) months--;
  return Math.max(0, months);
}

/**
 * The registration app's snapshot is the CERFA model of libs/domain (`wishedHousing.communes`,
 * `referenceTaxIncome.amount`, …); the flat names (`wishedCommunes`, …) of the first test fixtures
 * are still read as a fallback.
 */
function demandFields(demand: DemandSnapshot, at: Date): Loose {
  const applicant = object(demand.applicant);
  const household = object(demand.household);
  const wished = object(demand.wishedHousing);
  const dalo = demand.dalo;
  const wishedCommunes = texts(wished.communes) ?? texts(demand.wishedCommunes);
  const resources = demand.monthlyResources;
  const taxIncome = demand.referenceTaxIncome;
  const disability = demand.disability;
  const fields: Loose = {
    state: demand.state,
    department: demand.department,
    guichetCode: demand.guichetCode,
    epci: text(demand.epci),
    wishedCommunes,
    firstChoiceCommune:
      text(wished.firstChoiceCommune) ?? text(demand.firstChoiceCommune) ?? wishedCommunes?.[0],
    currentCommune:
      text(object(demand.currentAddress).commune) ?? text(object(demand.currentHousing).commune),
    dwellingTypes: texts(wished.dwellingTypes) ?? texts(demand.dwellingTypes),
    householdSize: number(household.size),
    monthlyResources: Array.isArray(resources)
      ? resources.reduce<number>((sum, item) => sum + (number(object(item).amount) ?? 0), 0)
      : number(resources),
    referenceTaxIncome: number(taxIncome) ?? number(object(taxIncome).amount),
    motives: texts(demand.motives),
    dalo:
      typeof dalo === 'boolean'
        ? dalo
        : (flag(object(dalo).recognised) ??
          (text(object(dalo).status) ? object(dalo).status === 'recognised' : undefined)),
    priority: flag(demand.priority),
    socialHousingTenant: flag(demand.socialHousingTenant),
    disability: flag(disability) ?? flag(object(disability).concerned),
    reservationQuotas: texts(demand.reservationQuotas),
    applicantAge: ageAt(applicant.birthDate, at),
    seniorityMonths: monthsSince(demand.depositDate, at),
    radiationMotive: text(object(demand.radiation).motive),
    dependants: Array.isArray(demand.dependants)
      ? demand.dependants.map((dependant) => {
          const person = object(dependant);
          return { kinship: text(person.kinship), age: ageAt(person.birthDate, at) };
        })
      : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
