import {
  type CloudEvent,
  createEvent,
  type DemandEventData,
  type DemandEventType,
  DemandEventTypes,
  type DemandSnapshot,
} from '@sne/contracts';
import { formatNumeroUnique } from '@sne/domain';
import { randomInt, randomUUID } from 'node:crypto';

/** Realistic test data: small factories with overrides (`factory.demand({ state: 'radiated' })`). */

const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Petit',
  'Durand',
  'Lefèvre',
  'Mercier',
  'N’Diaye',
];
const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Hugo',
  'Chloé',
  'Noémie',
  'Théo',
  'Inès',
  'Mohamed',
  'Zoé',
  'François',
];
/** Department, then communes (INSEE codes) of that department. */
const TERRITORIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['057', ['57463', '57672', '57227']], // Metz, Thionville, Forbach
  ['075', ['75056', '75111', '75120']], // Paris
  ['069', ['69123', '69266', '69259']], // Lyon, Villeurbanne, Vénissieux
  ['02A', ['2A004', '2A247']], // Ajaccio, Porto-Vecchio
];
const GUICHETS = ['10691', '20045', '75A12', '69B07'];

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)];

export const factory = {
  demand(overrides: Partial<DemandSnapshot> = {}): DemandSnapshot {
    const [department, communes] = pick(TERRITORIES);
    const guichetCode = overrides.guichetCode ?? pick(GUICHETS);
    const deposit = new Date(Date.UTC(2025, randomInt(12), 1 + randomInt(28)));
    const dept = overrides.department ?? department;
    return {
      numeroUnique: formatNumeroUnique({
        department: dept,
        depositDate: deposit,
        sequence: 1 + randomInt(999_999),
        guichetCode,
      }),
      version: 1,
      state: 'active',
      department: dept,
      guichetCode,
      depositDate: deposit.toISOString().slice(0, 10),
      applicant: {
        civility: pick([1, 2]),
        lastName: pick(LAST_NAMES),
        firstName: pick(FIRST_NAMES),
        birthDate: `19${60 + randomInt(40)}-0${1 + randomInt(9)}-1${randomInt(10)}`,
      },
      contact: {
        email: `demandeur.${randomUUID().slice(0, 8)}@example.fr`,
        mobile: `06${String(randomInt(1e8)).padStart(8, '0')}`,
      },
      household: { size: 1 + randomInt(6) },
      wishedCommunes: [...communes].slice(0, 1 + randomInt(communes.length)),
      dwellingTypes: [pick(['T1', 'T2', 'T3', 'T4'])],
      ...overrides,
    };
  },

  demandEvent(
    type: DemandEventType = DemandEventTypes.Registered,
    demand: DemandSnapshot = factory.demand(),
    overrides: { correlationId?: string; source?: string } = {},
  ): CloudEvent<DemandEventType, DemandEventData> {
    return createEvent({
      type,
      source: overrides.source ?? '/sne/registration',
      subject: demand.numeroUnique,
      demandVersion: demand.version,
      guichet: demand.guichetCode,
      correlationId: overrides.correlationId ?? randomUUID(),
      data: { demand },
    });
  },
};
