import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OTHER_MOTIVE, type Civility, type FamilySituation } from './codes';
import {
  etalabCommunes,
  INSEE_COMMUNE_PATTERN,
  isInseeCommuneCode,
  type CommuneDirectory,
} from './communes';
import type { DemandInput, DraftDemandInput } from './demand';
import { namedHouseholdSize } from './demand';
import {
  demandInputSchema,
  draftDemandInputSchema,
  ISO_DATE_FORMAT,
  radiationRequestSchema,
} from './demand-input.schema';
import { RPLS_ID_PATTERN, type RadiationRequest } from './demand-rules';
import { addMonths, addYears, isIsoDate, parseIsoDate, type IsoDate } from '../dates';
import { checkNir, nirInconsistencies, NIR_PATTERN, sexOfCivility, type Sex } from './nir';

/** One reason an input is refused: where (a JSON pointer into the input) and why. */
export interface DemandInputIssue {
  readonly path: string;
  readonly reason: string;
}

export type DemandValidation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly DemandInputIssue[] };

export interface DemandValidationOptions {
  /** The day the input is received: birth dates and "since" dates may not be later. */
  readonly today: IsoDate;
  /** Defaults to the INSEE communes of @etalab/decoupage-administratif. */
  readonly communes?: CommuneDirectory;
}

export type DemandInputMode = 'complete' | 'draft';

/** Oldest plausible birth date, in years before today. */
export const MAX_AGE_YEARS = 120;
/** How far ahead an expected birth may be. */
export const MAX_PREGNANCY_MONTHS = 10;

/** Checks the body that creates a demand or replaces its CERFA data. */
export function validateDemandInput(
  input: unknown,
  options: DemandValidationOptions,
): DemandValidation<DemandInput> {
  const issues = demandInputIssues(input, 'complete', options);
  return issues.length === 0 ? { ok: true, value: input as DemandInput } : { ok: false, issues };
}

/** Checks a draft: anything may be missing, but what is there must be right. */
export function validateDraftDemandInput(
  input: unknown,
  options: DemandValidationOptions,
): DemandValidation<DraftDemandInput> {
  const issues = demandInputIssues(input, 'draft', options);
  return issues.length === 0
    ? { ok: true, value: input as DraftDemandInput }
    : { ok: false, issues };
}

/** Schema and semantic issues, by place; a semantic check is silent where the schema spoke. */
export function demandInputIssues(
  input: unknown,
  mode: DemandInputMode,
  options: DemandValidationOptions,
): DemandInputIssue[] {
  if (!isIsoDate(options.today))
    throw new RangeError(`today "${String(options.today)}" is not a date`);
  const validate = mode === 'complete' ? validators().complete : validators().draft;
  const structural = validate(input) ? [] : schemaIssues(validate.errors);
  const semantic = semanticIssues(input, mode, options).filter(
    (issue) =>
      !structural.some(
        (known) => issue.path === known.path || issue.path.startsWith(`${known.path}/`),
      ),
  );
  return sortedByPath([...structural, ...semantic]);
}

/**
 * Checks the body of a radiation (shapes and codes only); whether the radiation is allowed is
 * `canRadiate`'s decision.
 */
export function validateRadiationRequest(input: unknown): DemandValidation<RadiationRequest> {
  const { radiation } = validators();
  return radiation(input)
    ? { ok: true, value: input as RadiationRequest }
    : { ok: false, issues: sortedByPath(schemaIssues(radiation.errors)) };
}

interface Validators {
  readonly complete: ValidateFunction;
  readonly draft: ValidateFunction;
  readonly radiation: ValidateFunction;
}

let compiled: Validators | undefined;
let sharedAjv: Ajv2020 | undefined;
const otherValidators = new Map<string, ValidateFunction>();

function ajvInstance(): Ajv2020 {
  if (!sharedAjv) {
    sharedAjv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(sharedAjv, ['email']);
    sharedAjv.addFormat(ISO_DATE_FORMAT, {
      type: 'string',
      validate: (value: string) => isIsoDate(value),
    });
  }
  return sharedAjv;
}

/**
 * Checks a body against one of the domain's schemas (with `$id`), with the same dates, formats
 * and reasons as the demand's; shapes only, the rules come after.
 */
export function validateBySchema<T>(
  schema: Readonly<Record<string, unknown>>,
  input: unknown,
): DemandValidation<T> {
  const id = String(schema.$id);
  let validate = otherValidators.get(id);
  if (!validate) {
    validate = ajvInstance().compile(schema);
    otherValidators.set(id, validate);
  }
  return validate(input)
    ? { ok: true, value: input as T }
    : { ok: false, issues: sortedByPath(schemaIssues(validate.errors)) };
}

function validators(): Validators {
  if (!compiled) {
    const ajv = ajvInstance();
    compiled = {
      complete: ajv.compile(demandInputSchema),
      draft: ajv.compile(draftDemandInputSchema),
      radiation: ajv.compile(radiationRequestSchema),
    };
  }
  return compiled;
}

/** By place, so callers and tests see one order whatever the order of the checks. */
const sortedByPath = (issues: DemandInputIssue[]) =>
  issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

// ---------------------------------------------------------------------------------------------
// Schema errors, in words a guichet understands

const escape = (segment: string | number) =>
  String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
const pointer = (...segments: readonly (string | number)[]) =>
  segments.map((segment) => `/${escape(segment)}`).join('');

const REQUIRED_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^\/referenceTaxIncome$/,
    'is required: a CERFA without the reference tax income cannot be registered (never enter 0 for a missing income)',
  ],
  [
    /^\/monthlyResources$/,
    'is required: list the monthly resources by type, or say noMonthlyResources',
  ],
  [/^\/monthlyResources\/[0-9]+\/amount$/, 'is required: a resource type needs its monthly amount'],
  [/^\/monthlyResources\/[0-9]+\/type$/, 'is required: a monthly amount needs its resource type'],
];

const NAME_PATTERN_REASON = 'may contain only letters, spaces, hyphens, apostrophes and dots';
const PATTERN_REASONS: Readonly<Record<string, string>> = {
  [INSEE_COMMUNE_PATTERN]: 'must be the INSEE code of a commune (5 characters, e.g. 57463, 2A004)',
  [NIR_PATTERN]: 'must be a NIR: 15 characters without spaces (2A or 2B for Corsica)',
  '^(?:0[1-9][0-9]{8}|\\+[1-9][0-9]{7,14})$':
    'must be a phone number: 10 digits starting with 0, or + and the country code',
  '^(?:0[67][0-9]{8}|\\+[1-9][0-9]{7,14})$':
    'must be a mobile number: 06 or 07 and 8 digits, or + and the country code',
  '^[0-9]{14}$': 'must be a SIRET: 14 digits',
  [RPLS_ID_PATTERN]: 'must be an RPLS dwelling id: 10 digits',
};

/** When a value breaks several keywords, the one that says the most: a shape before a length. */
const KEYWORD_PRIORITY = ['type', 'const', 'enum', 'format', 'pattern', 'uniqueItems'];
const priorityOf = (keyword: string) => {
  const index = KEYWORD_PRIORITY.indexOf(keyword);
  return index < 0 ? KEYWORD_PRIORITY.length : index;
};

/** One issue per place: the most telling of the errors the schema found there. */
function schemaIssues(errors: ErrorObject[] | null | undefined): DemandInputIssue[] {
  const best = new Map<string, ErrorObject>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if') continue;
    const params = error.params as Record<string, unknown>;
    let path = error.instancePath;
    if (error.keyword === 'required') path += pointer(String(params.missingProperty));
    if (error.keyword === 'additionalProperties') {
      path += pointer(String(params.additionalProperty));
    }
    path ||= '/';
    const known = best.get(path);
    if (!known || priorityOf(error.keyword) < priorityOf(known.keyword)) best.set(path, error);
  }
  return [...best].map(([path, error]) => ({
    path,
    reason: reasonOf(error, path, error.params as Record<string, unknown>),
  }));
}

function reasonOf(error: ErrorObject, path: string, params: Record<string, unknown>): string {
  switch (error.keyword) {
    case 'required':
      return REQUIRED_REASONS.find(([pattern]) => pattern.test(path))?.[1] ?? 'is required';
    case 'additionalProperties':
      return 'is not an accepted field';
    case 'type':
      return `must be of type ${String(params.type)}`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'format':
      return params.format === ISO_DATE_FORMAT
        ? 'must be a calendar date, YYYY-MM-DD'
        : params.format === 'email'
          ? 'must be an email address'
          : `must be in format ${String(params.format)}`;
    case 'pattern':
      return PATTERN_REASONS[String(params.pattern)] ?? NAME_PATTERN_REASON;
    case 'uniqueItems':
      return `must not repeat an item (items ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))} are equal)`;
    default:
      return error.message ?? 'is invalid';
  }
}

// ---------------------------------------------------------------------------------------------
// Semantic checks: they read the input defensively, since the schema may have refused it

type Loose = Readonly<Record<string, unknown>>;
const record = (value: unknown): Loose | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : undefined;
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const civilityOf = (value: unknown): Civility | undefined =>
  value === 1 || value === 2 || value === 3 ? value : undefined;

class Issues {
  readonly found: DemandInputIssue[] = [];
  add(path: string, reason: string): void {
    this.found.push({ path, reason });
  }
}

function semanticIssues(
  input: unknown,
  mode: DemandInputMode,
  options: DemandValidationOptions,
): DemandInputIssue[] {
  const demand = record(input);
  if (!demand) return [];
  const issues = new Issues();
  const context: Context = {
    issues,
    complete: mode === 'complete',
    today: options.today,
    communes: options.communes ?? etalabCommunes(),
  };
  const applicant = record(demand.applicant);
  checkAddress(context, demand.postalAddress, '/postalAddress');
  checkAddress(context, demand.currentAddress, '/currentAddress');
  checkWishedHousing(context, record(demand.wishedHousing));
  if (applicant?.kind === 'association') return issues.found;

  checkPerson(context, applicant, '/applicant', sexOf(applicant));
  checkPerson(
    context,
    record(demand.coApplicant),
    '/coApplicant',
    sexOf(record(demand.coApplicant)),
  );
  list(demand.dependants).forEach((item, index) => {
    const dependant = record(item);
    const sex = dependant?.sex === 'M' || dependant?.sex === 'F' ? dependant.sex : undefined;
    checkPerson(context, dependant, pointer('dependants', index), sex);
  });
  checkSharedNirs(context, demand);
  checkUnbornChildren(context, record(demand.unbornChildren));
  checkProfessionalSituation(context, demand);
  checkTaxIncome(context, demand);
  checkMonthlyResources(context, demand);
  checkNotAfterToday(context, record(demand.currentHousing)?.since, '/currentHousing/since');
  if (context.complete) {
    checkHouseholdSize(context, demand);
    checkCoApplicantRelationship(context, applicant, record(demand.coApplicant));
    checkMotives(context, demand);
    checkSmsConsent(context, record(demand.contact));
  }
  return issues.found;
}

interface Context {
  readonly issues: Issues;
  readonly complete: boolean;
  readonly today: IsoDate;
  readonly communes: CommuneDirectory;
}

function sexOf(person: Loose | undefined): Sex | undefined {
  const civility = civilityOf(person?.civility);
  return civility === undefined ? undefined : sexOfCivility(civility);
}

function checkPerson(context: Context, person: Loose | undefined, path: string, sex?: Sex): void {
  if (!person) return;
  const { birthDate, nir } = person;
  if (isIsoDate(birthDate)) {
    if (birthDate > context.today) context.issues.add(`${path}/birthDate`, 'is in the future');
    else if (birthDate < addYears(context.today, -MAX_AGE_YEARS)) {
      context.issues.add(`${path}/birthDate`, `is more than ${MAX_AGE_YEARS} years ago`);
    }
  }
  if (typeof nir !== 'string') return;
  const check = checkNir(nir);
  if (!check.ok) {
    context.issues.add(`${path}/nir`, check.reason);
    return;
  }
  for (const reason of nirInconsistencies(check.parts, { birthDate, sex })) {
    context.issues.add(`${path}/nir`, reason);
  }
}

function checkSharedNirs(context: Context, demand: Loose): void {
  const seen = new Map<string, string>();
  const people: Array<readonly [string, unknown]> = [
    ['/applicant', record(demand.applicant)?.nir],
    ['/coApplicant', record(demand.coApplicant)?.nir],
    ...list(demand.dependants).map(
      (dependant, index) => [pointer('dependants', index), record(dependant)?.nir] as const,
    ),
  ];
  for (const [path, nir] of people) {
    if (typeof nir !== 'string') continue;
    const first = seen.get(nir);
    if (first) context.issues.add(`${path}/nir`, `is also the NIR of ${first}`);
    else seen.set(nir, path);
  }
}

function checkNotAfterToday(context: Context, value: unknown, path: string): void {
  if (isIsoDate(value) && value > context.today) context.issues.add(path, 'is in the future');
}

function checkUnbornChildren(context: Context, unborn: Loose | undefined): void {
  const expected = unborn?.expectedDate;
  if (isIsoDate(expected) && expected > addMonths(context.today, MAX_PREGNANCY_MONTHS)) {
    context.issues.add(
      '/unbornChildren/expectedDate',
      `is more than ${MAX_PREGNANCY_MONTHS} months ahead`,
    );
  }
}

function checkCommune(context: Context, code: unknown, path: string): void {
  if (typeof code === 'string' && isInseeCommuneCode(code) && !context.communes.has(code)) {
    context.issues.add(path, 'is not the INSEE code of a current commune');
  }
}

function checkAddress(context: Context, value: unknown, path: string): void {
  const address = record(value);
  if (!address) return;
  checkCommune(context, address.commune, `${path}/commune`);
  if (address.abroad === true) {
    if (address.country === undefined) {
      context.issues.add(`${path}/country`, 'is required for an address abroad');
    }
    return;
  }
  if (typeof address.postalCode === 'string' && !/^[0-9]{5}$/.test(address.postalCode)) {
    context.issues.add(
      `${path}/postalCode`,
      'must be a French postal code (5 digits), or the address must be marked abroad',
    );
  }
}

function checkWishedHousing(context: Context, wished: Loose | undefined): void {
  if (!wished) return;
  const communes = list(wished.communes);
  communes.forEach((code, index) =>
    checkCommune(context, code, pointer('wishedHousing', 'communes', index)),
  );
  const first = wished.firstChoiceCommune;
  if (typeof first !== 'string') return;
  if (Array.isArray(wished.communes) && !communes.includes(first)) {
    context.issues.add('/wishedHousing/firstChoiceCommune', 'must be one of the wished communes');
  } else checkCommune(context, first, '/wishedHousing/firstChoiceCommune');
}

function checkProfessionalSituation(context: Context, demand: Loose): void {
  const situation = record(demand.professionalSituation);
  for (const holder of ['applicant', 'coApplicant'] as const) {
    const own = record(situation?.[holder]);
    checkNotAfterToday(context, own?.since, pointer('professionalSituation', holder, 'since'));
    checkCommune(
      context,
      own?.workplaceCommune,
      pointer('professionalSituation', holder, 'workplaceCommune'),
    );
  }
  if (context.complete && situation?.coApplicant !== undefined && !demand.coApplicant) {
    context.issues.add(
      '/professionalSituation/coApplicant',
      'is given but there is no co-applicant',
    );
  }
}

function checkTaxIncome(context: Context, demand: Loose): void {
  const currentYear = parseIsoDate(context.today).year;
  const reference = record(demand.referenceTaxIncome);
  const lastYear = record(demand.lastYearTaxIncome);
  for (const [path, income] of [
    ['/referenceTaxIncome', reference],
    ['/lastYearTaxIncome', lastYear],
  ] as const) {
    if (!income) continue;
    if (income.amount === 0 && income.zeroDeclared !== true) {
      context.issues.add(
        `${path}/amount`,
        'is 0, which the register refuses as a placeholder: enter the income of the tax notice, and set zeroDeclared only if the notice really shows 0',
      );
    }
    if (income.zeroDeclared === true && typeof income.amount === 'number' && income.amount !== 0) {
      context.issues.add(`${path}/zeroDeclared`, 'is only for an income of 0');
    }
    if (typeof income.taxYear === 'number' && income.taxYear >= currentYear) {
      context.issues.add(`${path}/taxYear`, `must be a past year, before ${currentYear}`);
    }
  }
  if (
    typeof reference?.taxYear === 'number' &&
    typeof lastYear?.taxYear === 'number' &&
    lastYear.taxYear <= reference.taxYear
  ) {
    context.issues.add(
      '/lastYearTaxIncome/taxYear',
      `must be later than the reference income's year (${reference.taxYear})`,
    );
  }
}

function checkMonthlyResources(context: Context, demand: Loose): void {
  const resources = list(demand.monthlyResources);
  const none = demand.noMonthlyResources === true;
  if (
    context.complete &&
    Array.isArray(demand.monthlyResources) &&
    resources.length === 0 &&
    !none
  ) {
    context.issues.add(
      '/monthlyResources',
      'is empty: list the monthly resources by type and amount, or set noMonthlyResources',
    );
  }
  if (none && resources.length > 0) {
    context.issues.add('/noMonthlyResources', 'contradicts the monthly resources listed');
  }
  resources.forEach((item, index) => {
    const resource = record(item);
    if (resource?.amount === 0) {
      context.issues.add(
        pointer('monthlyResources', index, 'amount'),
        'must be more than 0: leave out the resource types the household does not receive',
      );
    }
    if (context.complete && resource?.holder === 'co-applicant' && !demand.coApplicant) {
      context.issues.add(
        pointer('monthlyResources', index, 'holder'),
        'names a co-applicant the demand does not have',
      );
    }
  });
}

function checkHouseholdSize(context: Context, demand: Loose): void {
  const size = record(demand.household)?.size;
  if (typeof size !== 'number') return;
  const named = namedHouseholdSize({
    coApplicant: demand.coApplicant,
    dependants: list(demand.dependants),
  });
  const unbornCount = record(demand.unbornChildren)?.count;
  const unborn = typeof unbornCount === 'number' ? unbornCount : 0;
  if (size < named || size > named + unborn) {
    const range =
      unborn > 0 ? `${named} to ${named + unborn} (with the unborn children)` : `${named}`;
    context.issues.add(
      '/household/size',
      `is ${size}, but the applicant, co-applicant and dependants make ${range}`,
    );
  }
}

function checkCoApplicantRelationship(
  context: Context,
  applicant: Loose | undefined,
  coApplicant: Loose | undefined,
): void {
  const situation = applicant?.familySituation as FamilySituation | undefined;
  const relationship = coApplicant?.relationship;
  if (!situation || typeof relationship !== 'string') return;
  const needed: Readonly<Record<string, FamilySituation>> = { spouse: 'M', 'pacs-partner': 'P' };
  const expected = needed[relationship];
  if (expected && situation !== expected) {
    context.issues.add(
      '/coApplicant/relationship',
      `is "${relationship}" but the applicant's family situation is ${situation}, not ${expected}`,
    );
  }
}

function checkMotives(context: Context, demand: Loose): void {
  const motives = list(demand.motives);
  if (motives.includes(OTHER_MOTIVE) && demand.motiveDetails === undefined) {
    context.issues.add('/motiveDetails', `is required with motive ${OTHER_MOTIVE} (other motive)`);
  }
}

function checkSmsConsent(context: Context, contact: Loose | undefined): void {
  if (contact?.smsConsent === true && contact.mobile === undefined) {
    context.issues.add('/contact/smsConsent', 'needs a mobile number');
  }
}
