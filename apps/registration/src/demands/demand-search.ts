import { NUMERO_UNIQUE } from '@sne/contracts';
import { InvalidInputError, type InputIssue } from '@sne/platform';

/** The search criteria of the register's screen, as query parameters (all optional). */
export interface DemandSearch {
  readonly numeroUnique?: string;
  readonly state?: string;
  readonly depositFrom?: string;
  readonly depositTo?: string;
  readonly renewalFrom?: string;
  readonly renewalTo?: string;
  readonly radiationFrom?: string;
  readonly radiationTo?: string;
  readonly commune?: string;
  readonly attributionCommune?: string;
  readonly motive?: string;
  readonly radiationMotive?: string;
  readonly lastName?: string;
  readonly firstName?: string;
  readonly birthDate?: string;
  readonly page: number;
  readonly pageSize: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PATTERNS: Record<Exclude<keyof DemandSearch, 'page' | 'pageSize'>, RegExp> = {
  numeroUnique: NUMERO_UNIQUE,
  state: /^(draft|awaiting-validation|active|radiated)$/,
  depositFrom: DATE,
  depositTo: DATE,
  renewalFrom: DATE,
  renewalTo: DATE,
  radiationFrom: DATE,
  radiationTo: DATE,
  commune: /^[0-9][0-9AB][0-9]{3}$/,
  attributionCommune: /^[0-9][0-9AB][0-9]{3}$/,
  motive: /^[0-9]{2}$/,
  radiationMotive: /^RAD[A-Z]{3}$/,
  lastName: /^[\p{L}' -]{1,80}$/u,
  firstName: /^[\p{L}' -]{1,80}$/u,
  birthDate: DATE,
};
export const MAX_PAGE_SIZE = 100;

/** The query parameters of the search, as its OpenAPI documents them. */
export const DEMAND_SEARCH_PARAMETERS: ReadonlyArray<{
  name: string;
  required: false;
  schema: Record<string, unknown>;
}> = [
  ...Object.entries(PATTERNS).map(([name, pattern]) => ({
    name,
    required: false as const,
    // Unicode property classes are not portable to OpenAPI validators: documented by length.
    schema: pattern.flags.includes('u')
      ? { type: 'string', minLength: 1, maxLength: 80 }
      : { type: 'string', pattern: pattern.source },
  })),
  { name: 'page', required: false, schema: { type: 'integer', minimum: 1 } },
  {
    name: 'pageSize',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  },
  { name: 'format', required: false, schema: { type: 'string', enum: ['json', 'csv'] } },
];

/** Reads and checks the query: unknown parameters, repeated ones and odd values are refused. */
export function parseDemandSearch(query: Record<string, unknown>): DemandSearch {
  const issues: InputIssue[] = [];
  const criteria: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      issues.push({ path: name, message: 'must be given once, as text' });
      continue;
    }
    if (name === 'page' || name === 'pageSize' || name === 'format') continue;
    const pattern = PATTERNS[name as keyof typeof PATTERNS] as RegExp | undefined;
    if (!pattern) issues.push({ path: name, message: 'unknown criterion' });
    else if (!pattern.test(value))
      issues.push({ path: name, message: `does not match ${pattern.source}` });
    else criteria[name] = value;
  }
  const page = Number(query.page ?? 1);
  const pageSize = Number(query.pageSize ?? 20);
  if (!Number.isInteger(page) || page < 1) issues.push({ path: 'page', message: 'from 1' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    issues.push({ path: 'pageSize', message: `from 1 to ${MAX_PAGE_SIZE}` });
  if (issues.length > 0) throw new InvalidInputError('invalid search', issues);
  return { ...criteria, page, pageSize };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const range = (from?: string, to?: string) =>
  from || to ? { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) } : undefined;

/**
 * The MongoDB filter of a search, over the `demands` projection. Built only from checked values:
 * nothing of the request reaches the database as an operator.
 */
export function searchFilter(
  search: DemandSearch,
  departments: readonly string[] | 'all',
): Record<string, unknown> {
  const exactText = (value: string) => new RegExp(`^${escapeRegExp(value)}$`, 'i');
  const entries: Array<[string, unknown]> = [
    ['_id', search.numeroUnique],
    ['demand.department', departments === 'all' ? undefined : { $in: [...departments] }],
    ['demand.state', search.state],
    ['demand.depositDate', range(search.depositFrom, search.depositTo)],
    ['demand.renewals.date', range(search.renewalFrom, search.renewalTo)],
    ['demand.radiation.date', range(search.radiationFrom, search.radiationTo)],
    ['demand.wishedHousing.communes', search.commune],
    ['demand.radiation.attribution.commune', search.attributionCommune],
    ['demand.motives', search.motive],
    ['demand.radiation.motive', search.radiationMotive],
    ['demand.applicant.lastName', search.lastName ? exactText(search.lastName) : undefined],
    ['demand.applicant.firstName', search.firstName ? exactText(search.firstName) : undefined],
    ['demand.applicant.birthDate', search.birthDate],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}
