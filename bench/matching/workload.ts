/**
 * A deterministic, realistic workload for the guichet matcher: the 101 French departments with
 * INSEE-like commune codes and EPCI, guichets of varied kinds with the filter rules they would
 * write, and demand events as the dispatcher would match them. Everything follows from a seed.
 */
import { DEMAND_STATES, DemandEventTypes } from '@sne/contracts';
import {
  DEMAND_FIELDS,
  findNeverMatching,
  type RangeBounds,
  type Rule,
  validateRule,
} from '@sne/matching';

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; enough for a workload. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` distinct items (fewer if the list is shorter), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const taken = Math.min(count, copy.length);
    for (let i = 0; i < taken; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, taken);
  }

  /** Box-Muller. */
  normal(mean: number, deviation: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Picks items with given weights in O(log n). */
export class Weighted<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: Iterable<readonly [T, number]>) {
    for (const [item, weight] of entries) {
      if (weight <= 0) continue;
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
    if (this.items.length === 0) throw new Error('no item with a positive weight');
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low];
  }
}

// ---------------------------------------------------------------------------------------------
// Territory

/** Population in thousands (INSEE, rounded): weights demands and guichets. */
const POPULATION_THOUSANDS = `001:660 002:530 003:335 004:165 005:141 006:1100 007:330 008:270
009:155 010:310 011:375 012:280 013:2050 014:695 015:144 016:352 017:660 018:300 019:240 02A:160
02B:185 021:535 022:600 023:116 024:413 025:545 026:520 027:600 028:430 029:915 030:750 031:1420
032:192 033:1650 034:1200 035:1100 036:218 037:610 038:1270 039:258 040:420 041:328 042:765
043:228 044:1450 045:680 046:175 047:330 048:76 049:820 050:495 051:565 052:172 053:307 054:733
055:184 056:760 057:1045 058:204 059:2610 060:830 061:280 062:1460 063:660 064:690 065:230
066:480 067:1140 068:765 069:1880 070:235 071:550 072:565 073:437 074:830 075:2140 076:1250
077:1420 078:1450 079:375 080:570 081:390 082:260 083:1080 084:560 085:690 086:440 087:370
088:360 089:335 090:140 091:1300 092:1630 093:1650 094:1410 095:1250 971:385 972:360 973:285
974:870 976:300`;

const ILE_DE_FRANCE = new Set(['075', '077', '078', '091', '092', '093', '094', '095']);
const OVERSEAS = new Set(['971', '972', '973', '974', '976']);

export interface Epci {
  readonly siren: string;
  readonly communes: readonly string[];
}

export interface Department {
  readonly code: string;
  readonly population: number;
  /** First characters of its communes' INSEE codes: '57', '2A', '971'. */
  readonly communePrefix: string;
  /** Commune codes, the most demanded first. */
  readonly communes: readonly string[];
  readonly communeWeights: Weighted<string>;
  readonly epcis: readonly Epci[];
  /** Departments whose communes its demands sometimes wish (an approximation, see docs). */
  readonly neighbours: readonly string[];
}

export interface Territory {
  readonly departments: readonly Department[];
  readonly byCode: ReadonlyMap<string, Department>;
  readonly epciOfCommune: ReadonlyMap<string, string>;
}

export function buildTerritory(seed: number): Territory {
  const random = new Random(seed ^ 0x7e1);
  const entries = POPULATION_THOUSANDS.split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const [code, thousands] = entry.split(':');
      return { code, population: Number(thousands) * 1000 };
    });
  const metropolitan = entries.filter((entry) => !OVERSEAS.has(entry.code));
  const sirens = new Set<string>();
  const epciOfCommune = new Map<string, string>();
  const departments: Department[] = entries.map(({ code, population }) => {
    const overseas = OVERSEAS.has(code);
    const communePrefix = overseas ? code : code.slice(1);
    const count = overseas ? random.int(17, 34) : random.int(20, 60);
    const suffixes = overseas
      ? Array.from({ length: count }, (_, i) => String(i + 1).padStart(2, '0'))
      : random
          .sample(
            Array.from({ length: 899 }, (_, i) => i + 1),
            count,
          )
          .sort((a, b) => a - b)
          .map((n) => String(n).padStart(3, '0'));
    // The most demanded communes (préfecture, big towns) first, in random code order.
    const communes = random.sample(
      suffixes.map((suffix) => communePrefix + suffix),
      suffixes.length,
    );
    const communeWeights = new Weighted(
      communes.map((commune, rank) => [commune, 1 / Math.pow(rank + 1, 0.9)] as const),
    );
    const epcis: Epci[] = [];
    const epciCount = Math.max(2, Math.round(count / 8));
    const shuffled = random.sample(communes, communes.length);
    for (let i = 0; i < epciCount; i++) {
      let siren: string;
      do {
        siren = random.chance(0.5)
          ? `2000${String(random.int(0, 99999)).padStart(5, '0')}`
          : `24${communePrefix.slice(0, 2).replace(/\D/g, '0')}${String(random.int(0, 99999)).padStart(5, '0')}`;
      } while (sirens.has(siren));
      sirens.add(siren);
      const members = shuffled.filter((_, index) => index % epciCount === i);
      for (const commune of members) epciOfCommune.set(commune, siren);
      epcis.push({ siren, communes: members });
    }
    let neighbours: string[] = [];
    if (code === '02A') neighbours = ['02B'];
    else if (code === '02B') neighbours = ['02A'];
    else if (!overseas) {
      const continental = metropolitan.filter((entry) => !entry.code.startsWith('02'));
      const index = continental.findIndex((entry) => entry.code === code);
      neighbours = [index - 1, index + 1, index - 2, index + 2]
        .filter((i) => i >= 0 && i < continental.length)
        .map((i) => continental[i].code);
    }
    return { code, population, communePrefix, communes, communeWeights, epcis, neighbours };
  });
  return {
    departments,
    byCode: new Map(departments.map((department) => [department.code, department])),
    epciOfCommune,
  };
}

// ---------------------------------------------------------------------------------------------
// Guichets and their rules

export type GuichetKind =
  | 'landlord'
  | 'municipality'
  | 'epci'
  | 'state'
  | 'department-council'
  | 'reservation'
  | 'association'
  | 'observatory'
  | 'national';

export interface Guichet {
  readonly code: string;
  /** Its seat: a department code, or `FR` for a national subscriber. */
  readonly department: string;
  /**
   * Its territory: the seat and the neighbouring departments its rule names (a landlord or an
   * Action Logement office working across a border); every department for a national one.
   */
  readonly departments: readonly string[];
  readonly kind: GuichetKind;
  readonly rule: Rule;
}

/** The departments a rule names by `demand.department`, anywhere in it. */
export function departmentsNamedBy(rule: Rule): string[] {
  const named = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.field === 'demand.department') {
      if (typeof record.equals === 'string') named.add(record.equals);
      if (Array.isArray(record.anyOf))
        record.anyOf.forEach((code) => typeof code === 'string' && named.add(code));
    }
    Object.values(record).forEach(visit);
  };
  visit(rule);
  return [...named];
}

const KIND_LETTER: Record<GuichetKind, string> = {
  landlord: 'B',
  municipality: 'M',
  epci: 'E',
  state: 'S',
  'department-council': 'D',
  reservation: 'R',
  association: 'A',
  observatory: 'O',
  national: 'N',
};

/** How the guichets of a department beyond its State service and council are distributed. */
const LOCAL_KINDS = new Weighted<GuichetKind>([
  ['landlord', 45],
  ['municipality', 30],
  ['epci', 10],
  ['association', 7],
  ['reservation', 4],
  ['observatory', 4],
]);

const DWELLING_TYPES = ['C', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6P'] as const;
export const QUOTAS = ['PREF', 'AL', 'COLL', 'BAIL', 'FP'] as const;
const MOTIVES = Array.from({ length: 23 }, (_, i) => String(i + 1).padStart(2, '0'));
const RADIATION_MOTIVES = new Weighted([
  ['RADATT', 45],
  ['RADABA', 35],
  ['RADIRR', 10],
  ['RADCON', 5],
  ['RADREN', 5],
] as const);

const NOT_RADIATED: Rule = { not: { field: 'demand.state', equals: 'radiated' } };

/**
 * `count` guichets over the territory: each department gets a share following its population
 * (plus a floor, so small departments still have their State service, council and landlords),
 * and about one national guichet per 400.
 */
export function generateGuichets(territory: Territory, count: number, seed: number): Guichet[] {
  const random = new Random(seed ^ 0x9a1c);
  const national = Math.round(count / 400);
  const local = count - national;
  const weights = territory.departments.map((department) => 50_000 + department.population);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  // Largest remainder, so the counts add up exactly.
  const exact = weights.map((weight) => (local * weight) / total);
  const shares = exact.map(Math.floor);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  const missing = local - shares.reduce((sum, share) => sum + share, 0);
  for (let i = 0; i < missing; i++) shares[byRemainder[i].index]++;

  const guichets: Guichet[] = [];
  const counters = new Map<string, number>();
  const codeFor = (department: Department | undefined, kind: GuichetKind): string => {
    const head = department
      ? OVERSEAS.has(department.code)
        ? `R${department.code[2]}`
        : department.code.slice(1)
      : 'FR';
    const key = head + KIND_LETTER[kind];
    const next = counters.get(key) ?? 0;
    counters.set(key, next + 1);
    return key + next.toString(36).toUpperCase().padStart(2, '0');
  };
  const add = (
    department: Department | undefined,
    kind: GuichetKind,
    build: (code: string) => Rule,
  ): void => {
    const code = codeFor(department, kind);
    const rule = build(code);
    const checked = validateRule(rule, DEMAND_FIELDS);
    if (!checked.ok) {
      throw new Error(`generated an invalid rule: ${JSON.stringify(checked.issues)}`);
    }
    const warnings = findNeverMatching(rule, DEMAND_FIELDS);
    if (warnings.length > 0) {
      throw new Error(`generated a never-matching rule: ${JSON.stringify(warnings)}`);
    }
    const departments = department
      ? [...new Set([department.code, ...departmentsNamedBy(rule)])].sort()
      : territory.departments.map((each) => each.code);
    guichets.push({ code, department: department?.code ?? 'FR', departments, kind, rule });
  };

  territory.departments.forEach((department, index) => {
    const share = shares[index];
    for (let i = 0; i < share; i++) {
      const kind: GuichetKind =
        i === 0 ? 'state' : i === 1 && share >= 3 ? 'department-council' : LOCAL_KINDS.pick(random);
      add(department, kind, (code) => ruleFor(kind, department, territory, random, code));
    }
  });
  for (let i = 0; i < national; i++) add(undefined, 'national', () => nationalRule(i, random));
  return guichets;
}

function ruleFor(
  kind: GuichetKind,
  department: Department,
  territory: Territory,
  random: Random,
  ownCode: string,
): Rule {
  switch (kind) {
    case 'landlord':
      return landlordRule(department, random);
    case 'municipality':
      return municipalityRule(department, random, ownCode);
    case 'epci':
      return epciRule(department, random);
    case 'state':
      return stateRule(department, random);
    case 'department-council':
      return councilRule(department, random);
    case 'reservation':
      return reservationRule(department, territory, random);
    case 'association':
      return associationRule(department, random);
    case 'observatory':
      return observatoryRule(department, random);
    case 'national':
      return nationalRule(0, random);
  }
}

const inDepartment = (department: Department): Rule => ({
  field: 'demand.department',
  equals: department.code,
});

function departmentsRule(department: Department, random: Random): Rule {
  const extra = Math.min(department.neighbours.length, random.chance(0.6) ? 0 : random.int(1, 2));
  if (extra === 0 && random.chance(0.5)) return inDepartment(department);
  return {
    field: 'demand.department',
    anyOf: [department.code, ...random.sample(department.neighbours, extra)],
  };
}

function eventTypesRule(random: Random): Rule {
  const wanted = random.sample(
    [
      DemandEventTypes.Registered,
      DemandEventTypes.Validated,
      DemandEventTypes.Updated,
      DemandEventTypes.Renewed,
      DemandEventTypes.Radiated,
    ],
    random.int(2, 4),
  );
  return { field: 'event.type', anyOf: wanted };
}

function landlordRule(department: Department, random: Random): Rule {
  const children: Rule[] = [departmentsRule(department, random)];
  if (random.chance(0.7)) {
    const from = random.int(0, 3);
    const to = Math.min(DWELLING_TYPES.length - 1, from + random.int(1, 4));
    children.push({ field: 'demand.dwellingTypes', anyOf: DWELLING_TYPES.slice(from, to + 1) });
  }
  if (random.chance(0.6)) {
    const range: RangeBounds = random.chance(0.5)
      ? { gte: 1, lte: random.int(3, 8) }
      : { lte: random.int(2, 6) };
    children.push({ field: 'demand.householdSize', range });
  }
  if (random.chance(0.12)) {
    children.push({ field: 'demand.monthlyResources', range: { lte: random.int(15, 30) * 100 } });
  }
  if (random.chance(0.08)) {
    children.push({
      field: 'demand.referenceTaxIncome',
      range: { lte: random.int(20, 40) * 1000 },
    });
  }
  if (random.chance(0.15)) children.push(NOT_RADIATED);
  if (random.chance(0.1)) {
    children.push({
      not: { field: 'demand.motives', anyOf: random.sample(['09', '17', '21'], random.int(1, 2)) },
    });
  }
  if (random.chance(0.2)) children.push(eventTypesRule(random));
  return children.length === 1 ? children[0] : { all: children };
}

function municipalityRule(department: Department, random: Random, ownCode: string): Rule {
  const size = new Weighted([
    [1, 50],
    [2, 20],
    [3, 15],
    [4, 10],
    [5, 5],
  ] as const).pick(random);
  const communes = new Set<string>([department.communeWeights.pick(random)]);
  while (communes.size < size) communes.add(random.pick(department.communes));
  const wished: Rule = { field: 'demand.wishedCommunes', anyOf: [...communes] };
  const variant = random.next();
  if (variant < 0.4) return wished;
  if (variant < 0.6) {
    return { any: [wished, { field: 'demand.currentCommune', anyOf: [...communes] }] };
  }
  if (variant < 0.8) return { all: [wished, NOT_RADIATED] };
  if (variant < 0.9) return { all: [wished, { not: { field: 'event.guichet', equals: ownCode } }] };
  return { all: [wished, eventTypesRule(random)] };
}

function epciRule(department: Department, random: Random): Rule {
  const epci = random.pick(department.epcis);
  const byCommunes: Rule = { field: 'demand.wishedCommunes', anyOf: [...epci.communes] };
  const bySiren: Rule = { field: 'demand.epci', equals: epci.siren };
  const variant = random.next();
  let rule: Rule;
  if (variant < 0.3) rule = bySiren;
  else if (variant < 0.6) rule = byCommunes;
  else if (variant < 0.8) {
    rule = {
      field: 'demand.wishedCommunes',
      prefix: random.pick(epci.communes).slice(0, department.communePrefix.length + 1),
    };
  } else rule = { any: [bySiren, byCommunes] };
  return random.chance(0.25) ? { all: [rule, NOT_RADIATED] } : rule;
}

function stateRule(department: Department, random: Random): Rule {
  const variant = random.next();
  if (variant < 0.5)
    return { all: [inDepartment(department), { field: 'demand.dalo', equals: true }] };
  if (variant < 0.85) {
    return {
      all: [
        inDepartment(department),
        {
          any: [
            { field: 'demand.dalo', equals: true },
            { field: 'demand.priority', equals: true },
          ],
        },
      ],
    };
  }
  return {
    all: [
      inDepartment(department),
      { field: 'demand.reservationQuotas', equals: 'PREF' },
      { field: 'demand.state', anythingBut: ['draft', 'awaiting-validation'] },
    ],
  };
}

function councilRule(department: Department, random: Random): Rule {
  const social: Rule[] = [
    { field: 'demand.disability', equals: true },
    { field: 'demand.applicantAge', range: { gte: random.int(60, 70) } },
  ];
  if (random.chance(0.5)) {
    social.push({
      field: 'demand.dependants',
      anyElement: {
        all: [
          { field: 'kinship', equals: 'E' },
          { field: 'age', range: { lt: 3 } },
        ],
      },
    });
  }
  return { all: [inDepartment(department), { any: social }] };
}

function reservationRule(department: Department, territory: Territory, random: Random): Rule {
  if (random.chance(0.5)) {
    // Action Logement's regional office: its quota over a few departments.
    const region = [department.code, ...random.sample(department.neighbours, random.int(1, 3))];
    return {
      all: [
        { field: 'demand.department', anyOf: region.filter((code) => territory.byCode.has(code)) },
        { field: 'demand.reservationQuotas', equals: 'AL' },
      ],
    };
  }
  return {
    all: [
      inDepartment(department),
      { field: 'demand.reservationQuotas', anyOf: random.sample(['PREF', 'COLL', 'FP'], 2) },
      { not: { field: 'demand.motives', anyOf: ['21'] } },
    ],
  };
}

function associationRule(department: Department, random: Random): Rule {
  const area = random.chance(0.7)
    ? inDepartment(department)
    : ({ field: 'demand.wishedCommunes', prefix: department.communePrefix } as const);
  switch (random.int(0, 5)) {
    case 0: // youth housing
      return {
        all: [
          area,
          { field: 'demand.applicantAge', range: { lt: 30 } },
          { field: 'demand.householdSize', range: { lte: 2 } },
        ],
      };
    case 1: // seniors
      return { all: [area, { field: 'demand.applicantAge', range: { gte: 60 } }] };
    case 2: // young families
      return {
        all: [
          area,
          {
            field: 'demand.dependants',
            anyElement: {
              all: [
                { field: 'kinship', equals: 'E' },
                { field: 'age', range: { lt: random.int(3, 6) } },
              ],
            },
          },
        ],
      };
    case 3: // disability
      return { all: [area, { field: 'demand.disability', equals: true }] };
    case 4: // single persons without dependants
      return {
        all: [
          area,
          { field: 'demand.dependants', exists: false },
          { field: 'demand.householdSize', equals: 1 },
        ],
      };
    default: // violence, homelessness motives
      return { all: [area, { field: 'demand.motives', anyOf: ['01', '12', '13'] }] };
  }
}

function observatoryRule(department: Department, random: Random): Rule {
  switch (random.int(0, 2)) {
    case 0: // radiations, with their motive
      return {
        all: [
          { field: 'event.type', equals: DemandEventTypes.Radiated },
          inDepartment(department),
          { field: 'demand.radiationMotive', exists: true },
        ],
      };
    case 1: // long-standing demands
      return {
        all: [
          inDepartment(department),
          { field: 'demand.seniorityMonths', range: { gte: random.int(2, 4) * 12 } },
          { field: 'demand.socialHousingTenant', equals: false },
        ],
      };
    default: // transfers of tenants
      return {
        all: [
          inDepartment(department),
          { field: 'demand.socialHousingTenant', equals: true },
          { field: 'demand.state', anythingBut: ['draft', 'awaiting-validation'] },
        ],
      };
  }
}

function nationalRule(index: number, random: Random): Rule {
  switch (index % 4) {
    case 0: // national DALO follow-up
      return { all: [{ field: 'demand.dalo', equals: true }, eventTypesRule(random)] };
    case 1: // Action Logement, nationally
      return { field: 'demand.reservationQuotas', equals: 'AL' };
    case 2: // statistics on radiations
      return { field: 'event.type', equals: DemandEventTypes.Radiated };
    default: // a metropolitan observatory: no anchor, evaluated for every event
      return { not: { field: 'demand.department', anyOf: [...OVERSEAS] } };
  }
}

// ---------------------------------------------------------------------------------------------
// Demand events

export interface Dependant {
  readonly kinship: 'P' | 'E' | 'A';
  readonly age: number;
}

/** The match document of a demand event (see DEMAND_FIELDS). */
export type DemandMatchDocument = {
  readonly event: { readonly type: string; readonly guichet: string };
  readonly demand: {
    readonly state: string;
    readonly department: string;
    readonly epci: string;
    readonly guichetCode: string;
    readonly wishedCommunes: readonly string[];
    readonly firstChoiceCommune: string;
    readonly currentCommune: string;
    readonly dwellingTypes: readonly string[];
    readonly householdSize: number;
    readonly monthlyResources: number;
    readonly referenceTaxIncome: number;
    readonly motives: readonly string[];
    readonly dalo: boolean;
    readonly priority: boolean;
    readonly socialHousingTenant: boolean;
    readonly disability: boolean;
    readonly reservationQuotas: readonly string[];
    readonly applicantAge: number;
    readonly seniorityMonths: number;
    readonly radiationMotive?: string;
    readonly dependants: readonly Dependant[];
  };
};

const EVENT_TYPE_WEIGHTS = new Weighted<string>([
  [DemandEventTypes.Updated, 45],
  [DemandEventTypes.ProcessingEventRecorded, 15],
  [DemandEventTypes.Registered, 12],
  [DemandEventTypes.Renewed, 12],
  [DemandEventTypes.Validated, 8],
  [DemandEventTypes.Radiated, 6],
  [DemandEventTypes.Reactivated, 2],
]);
const HOUSEHOLD_SIZES = new Weighted([
  [1, 40],
  [2, 22],
  [3, 15],
  [4, 11],
  [5, 6],
  [6, 3],
  [7, 2],
  [8, 1],
] as const);
const WISHED_COUNTS = new Weighted([
  [1, 25],
  [2, 20],
  [3, 18],
  [4, 12],
  [5, 10],
  [6, 6],
  [7, 5],
  [8, 4],
] as const);
const MOTIVE_WEIGHTS = new Weighted(
  MOTIVES.map((motive, index) => [motive, index < 6 ? 10 : index < 12 ? 4 : 1.5] as const),
);

/**
 * Generates demand-event documents: departments weighted by population (Île-de-France and
 * overseas weighted up for their housing pressure), 1-8 wished communes mostly of the same
 * department, realistic household figures, event types weighted as in production.
 */
export class DocumentGenerator {
  private readonly random: Random;
  private readonly departments: Weighted<Department>;
  private readonly guichetsByDepartment = new Map<string, string[]>();

  constructor(
    private readonly territory: Territory,
    guichets: readonly Guichet[],
    seed: number,
  ) {
    this.random = new Random(seed ^ 0xd0c);
    this.departments = new Weighted(
      territory.departments.map(
        (department) =>
          [
            department,
            department.population *
              (ILE_DE_FRANCE.has(department.code) ? 1.8 : OVERSEAS.has(department.code) ? 1.5 : 1),
          ] as const,
      ),
    );
    for (const guichet of guichets) {
      const list = this.guichetsByDepartment.get(guichet.department) ?? [];
      list.push(guichet.code);
      this.guichetsByDepartment.set(guichet.department, list);
    }
  }

  many(count: number): DemandMatchDocument[] {
    return Array.from({ length: count }, () => this.next());
  }

  next(): DemandMatchDocument {
    const random = this.random;
    const department = this.departments.pick(random);
    const type = EVENT_TYPE_WEIGHTS.pick(random);

    const wishedCount = WISHED_COUNTS.pick(random);
    const wished = new Set<string>([department.communeWeights.pick(random)]);
    for (let attempts = 0; wished.size < wishedCount && attempts < 20; attempts++) {
      if (department.neighbours.length > 0 && random.chance(0.12)) {
        const neighbour = this.territory.byCode.get(random.pick(department.neighbours));
        if (neighbour) wished.add(neighbour.communeWeights.pick(random));
      } else {
        wished.add(department.communeWeights.pick(random));
      }
    }
    const wishedCommunes = [...wished];
    const firstChoiceCommune = wishedCommunes[0];

    const householdSize = HOUSEHOLD_SIZES.pick(random);
    const coApplicant = householdSize >= 2 && random.chance(0.6);
    const dependants: Dependant[] = [];
    for (let i = 0; i < householdSize - 1 - (coApplicant ? 1 : 0); i++) {
      const roll = random.next();
      dependants.push(
        roll < 0.85
          ? { kinship: 'E', age: random.int(0, 24) }
          : roll < 0.93
            ? { kinship: 'P', age: random.int(55, 90) }
            : { kinship: 'A', age: random.int(18, 60) },
      );
    }
    const base = Math.min(DWELLING_TYPES.length - 1, householdSize === 1 ? 1 : householdSize);
    const from = Math.max(0, base - random.int(0, 1));
    const dwellingTypes = DWELLING_TYPES.slice(
      from,
      Math.min(DWELLING_TYPES.length, from + random.int(1, 3)),
    );

    const monthlyResources = random.chance(0.05)
      ? 0
      : Math.min(8000, Math.round(Math.exp(random.normal(7.2, 0.5)) + 150 * (householdSize - 1)));
    const referenceTaxIncome = Math.round(monthlyResources * 12 * (0.7 + 0.4 * random.next()));
    const motives = new Set<string>([MOTIVE_WEIGHTS.pick(random)]);
    if (random.chance(0.35)) motives.add(MOTIVE_WEIGHTS.pick(random));

    const dalo = random.chance(ILE_DE_FRANCE.has(department.code) ? 0.06 : 0.025);
    const priority = random.chance(0.08);
    const quotas = QUOTAS.filter((quota) =>
      random.chance(
        quota === 'PREF' ? (dalo || priority ? 0.9 : 0.05) : quota === 'AL' ? 0.25 : 0.2,
      ),
    );

    const radiated = type === DemandEventTypes.Radiated;
    const state = radiated
      ? 'radiated'
      : type === DemandEventTypes.Registered
        ? random.chance(0.3)
          ? 'awaiting-validation'
          : 'active'
        : random.chance(0.02)
          ? 'awaiting-validation'
          : 'active';
    if (!(DEMAND_STATES as readonly string[]).includes(state)) throw new Error(state);

    const local = this.guichetsByDepartment.get(department.code) ?? [
      `${department.communePrefix.slice(-2)}B00`,
    ];
    const guichetCode = random.pick(local);
    const eventGuichet = random.chance(0.7) ? guichetCode : random.pick(local);

    const demand: DemandMatchDocument['demand'] = {
      state,
      department: department.code,
      epci: this.territory.epciOfCommune.get(firstChoiceCommune) ?? '',
      guichetCode,
      wishedCommunes,
      firstChoiceCommune,
      currentCommune: department.communeWeights.pick(random),
      dwellingTypes,
      householdSize,
      monthlyResources,
      referenceTaxIncome,
      motives: [...motives],
      dalo,
      priority,
      socialHousingTenant: random.chance(0.33),
      disability: random.chance(0.1),
      reservationQuotas: quotas,
      applicantAge: Math.max(18, Math.min(90, Math.round(random.normal(41, 14)))),
      seniorityMonths:
        type === DemandEventTypes.Registered
          ? 0
          : Math.min(120, Math.floor(-Math.log(1 - random.next()) * 20)),
      ...(radiated ? { radiationMotive: RADIATION_MOTIVES.pick(random) } : {}),
      dependants,
    };
    return { event: { type, guichet: eventGuichet }, demand };
  }
}
