import { RESERVATION_QUOTAS, type ReservationQuota } from './codes';
import { etalabCommunes, INSEE_COMMUNE_PATTERN, type CommuneDirectory } from './communes';
import type { DemandRecord, InseeCode, RecordedBy } from './demand';
import { ISO_DATE_FORMAT } from './demand-input.schema';
import { type Actor, canActOnDemand, type DecisionWith, RPLS_ID_PATTERN } from './demand-rules';
import { addMonths, isIsoDate, type IsoDate } from '../dates';

/**
 * Shared management (gestion partagée, décret 2015-523): the events in the processing of a demand
 * that every actor sees, and that the applicant sees on the portal (droit à l'information).
 */

export const PROCESSING_EVENT_KIND_LABELS = {
  'information-requested': "Demande d'informations ou de pièces justificatives",
  'cal-designation': 'Désignation en vue de la présentation à une CAL',
  'cal-agenda': "Inscription à l'ordre du jour d'une CAL",
  'cal-examination': 'Examen de la demande par la CAL',
  visit: 'Visite de logement proposée ou effectuée',
  'cal-decision': 'Décision de la CAL',
  'applicant-refusal': 'Refus du demandeur',
  'lease-signed': 'Signature du bail',
} as const;
export type ProcessingEventKind = keyof typeof PROCESSING_EVENT_KIND_LABELS;
export const PROCESSING_EVENT_KINDS = Object.keys(
  PROCESSING_EVENT_KIND_LABELS,
) as ProcessingEventKind[];

/** CAL decisions (CCH R. 441-18): with a rank when several candidates are proposed. */
export const CAL_DECISION_LABELS = {
  attribution: 'Attribution',
  'attribution-ranked':
    'Attribution par classement (sous réserve de refus des candidats mieux classés)',
  'attribution-conditional': 'Attribution sous condition suspensive',
  'non-attribution': 'Non-attribution',
  inadmissible: 'Rejet pour irrecevabilité',
} as const;
export type CalDecision = keyof typeof CAL_DECISION_LABELS;
export const CAL_DECISIONS = Object.keys(CAL_DECISION_LABELS) as CalDecision[];
const ATTRIBUTIONS: readonly CalDecision[] = [
  'attribution',
  'attribution-ranked',
  'attribution-conditional',
];

/** Why the applicant refused a proposal (no register codes known: this project's codes). */
export const REFUSAL_MOTIVE_LABELS = {
  location: 'Localisation du logement',
  rent: 'Loyer ou charges trop élevés',
  size: 'Typologie ou surface inadaptée',
  condition: 'État du logement',
  accessibility: 'Accessibilité ou étage inadaptés',
  environment: 'Environnement ou voisinage',
  'personal-situation': 'Changement de situation personnelle',
  other: 'Autre motif',
} as const;
export type RefusalMotive = keyof typeof REFUSAL_MOTIVE_LABELS;
export const REFUSAL_MOTIVES = Object.keys(REFUSAL_MOTIVE_LABELS) as RefusalMotive[];

export const VISIT_STATUSES = ['offered', 'done'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** A proposed dwelling, as far as the guichet knows it. */
export interface ProposedDwelling {
  readonly commune: InseeCode;
  readonly rplsId?: string;
  readonly reservationQuota?: ReservationQuota;
}

interface EventBase {
  /** The day it happened (a CAL date, a visit date...). */
  readonly date: IsoDate;
  readonly remarks?: string;
}

export type ProcessingEventInput =
  | (EventBase & {
      readonly kind: 'information-requested';
      readonly items: readonly string[];
      readonly dueDate?: IsoDate;
    })
  | (EventBase & { readonly kind: 'cal-designation'; readonly dwelling: ProposedDwelling })
  | (EventBase & { readonly kind: 'cal-agenda'; readonly commission: string })
  | (EventBase & { readonly kind: 'cal-examination'; readonly commission: string })
  | (EventBase & {
      readonly kind: 'visit';
      readonly status: VisitStatus;
      readonly dwelling: ProposedDwelling;
    })
  | (EventBase & {
      readonly kind: 'cal-decision';
      readonly commission: string;
      readonly decision: CalDecision;
      readonly rank?: number;
      readonly condition?: string;
      readonly motive?: string;
    })
  | (EventBase & {
      readonly kind: 'applicant-refusal';
      readonly motive: RefusalMotive;
      readonly motiveDetails?: string;
    })
  | (EventBase & { readonly kind: 'lease-signed'; readonly dwelling: ProposedDwelling });

/** An event as the register keeps it on the demand. */
export type ProcessingEvent = ProcessingEventInput & {
  /** `<version of the demand that recorded it>`: unique on the demand, stable. */
  readonly id: string;
  readonly recordedOn: IsoDate;
  readonly recordedBy: RecordedBy;
};

// ---------------------------------------------------------------------------------------------
// Shapes

type Schema = Readonly<Record<string, unknown>>;
const date: Schema = { type: 'string', maxLength: 10, format: ISO_DATE_FORMAT };
const text = (maxLength: number): Schema => ({ type: 'string', minLength: 1, maxLength });
const dwelling: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['commune'],
  properties: {
    commune: { type: 'string', maxLength: 5, pattern: INSEE_COMMUNE_PATTERN },
    rplsId: { type: 'string', maxLength: 10, pattern: RPLS_ID_PATTERN },
    reservationQuota: { enum: [...RESERVATION_QUOTAS] },
  },
};
const variant = (
  kind: ProcessingEventKind,
  properties: Record<string, Schema>,
  required: readonly string[],
): Schema => ({
  if: { type: 'object', required: ['kind'], properties: { kind: { const: kind } } },
  then: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'date', ...required],
    properties: { kind: { const: kind }, date, remarks: text(1000), ...properties },
  },
});

/** Body of a shared-management event: its kind chooses the fields. */
export const processingEventInputSchema: Schema = {
  $id: 'https://schemas.sne.example/processing-event-input.json',
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: [...PROCESSING_EVENT_KINDS] } },
  allOf: [
    variant(
      'information-requested',
      {
        items: { type: 'array', items: text(200), minItems: 1, maxItems: 30, uniqueItems: true },
        dueDate: date,
      },
      ['items'],
    ),
    variant('cal-designation', { dwelling }, ['dwelling']),
    variant('cal-agenda', { commission: text(120) }, ['commission']),
    variant('cal-examination', { commission: text(120) }, ['commission']),
    variant('visit', { status: { enum: [...VISIT_STATUSES] }, dwelling }, ['status', 'dwelling']),
    variant(
      'cal-decision',
      {
        commission: text(120),
        decision: { enum: [...CAL_DECISIONS] },
        rank: { type: 'integer', minimum: 1, maximum: 99 },
        condition: text(500),
        motive: text(500),
      },
      ['commission', 'decision'],
    ),
    variant(
      'applicant-refusal',
      { motive: { enum: [...REFUSAL_MOTIVES] }, motiveDetails: text(500) },
      ['motive'],
    ),
    variant('lease-signed', { dwelling }, ['dwelling']),
  ],
};

// ---------------------------------------------------------------------------------------------
// Rules

export type ProcessingEventRefusalCode =
  | 'actor-not-allowed'
  | 'outside-territory'
  | 'demand-not-active'
  | 'event-date-in-future'
  | 'event-before-deposit'
  | 'due-date-before-request'
  | 'unknown-commune'
  | 'rank-required'
  | 'rank-unexpected'
  | 'condition-required'
  | 'motive-details-required'
  | 'cal-agenda-missing'
  | 'nothing-to-refuse'
  | 'no-attribution-decision';

export interface ProcessingEventRefusal {
  readonly ok: false;
  readonly code: ProcessingEventRefusalCode;
  readonly message: string;
  /** The JSON pointer of the field the refusal is about. */
  readonly path: string;
}

const refuse = (
  code: ProcessingEventRefusalCode,
  message: string,
  path = '',
): ProcessingEventRefusal => ({ ok: false, code, message, path });

/** Events planned ahead: a CAL's date, a visit offered. Everything else has happened. */
const MAY_BE_AHEAD = (event: ProcessingEventInput) =>
  event.kind === 'cal-agenda' || (event.kind === 'visit' && event.status === 'offered');
/** How far ahead a planned event may be. */
export const MAX_MONTHS_AHEAD = 6;

export type ProcessingSubject = Pick<DemandRecord, 'state' | 'department' | 'depositDate'> & {
  readonly processingEvents?: readonly ProcessingEvent[];
};

/**
 * Whether `actor` may record the event on the demand today; if so, the event as kept. The order
 * the decree implies is enforced where a later step cannot be without an earlier one: a CAL
 * examines or decides only a demand on its agenda, the applicant refuses only what was offered
 * (a visit or an attribution), a lease follows an attribution.
 */
export function canRecordProcessingEvent(
  demand: ProcessingSubject,
  event: ProcessingEventInput,
  actor: Actor,
  today: IsoDate,
  id: string,
  communes: CommuneDirectory = etalabCommunes(),
): DecisionWith<ProcessingEvent> | ProcessingEventRefusal {
  if (actor.kind === 'system') {
    return refuse('actor-not-allowed', 'shared-management events are recorded by guichets');
  }
  const territory = canActOnDemand(actor, demand);
  if (!territory.ok) return refuse('outside-territory', territory.message);
  if (demand.state !== 'active') {
    return refuse('demand-not-active', `a ${demand.state} demand is not being processed`);
  }
  const ahead = MAY_BE_AHEAD(event);
  if (!ahead && event.date > today) {
    return refuse('event-date-in-future', `${event.date} is after today (${today})`, '/date');
  }
  if (ahead && event.date > addMonths(today, MAX_MONTHS_AHEAD)) {
    return refuse(
      'event-date-in-future',
      `${event.date} is more than ${MAX_MONTHS_AHEAD} months ahead`,
      '/date',
    );
  }
  if (demand.depositDate && event.date < demand.depositDate) {
    return refuse(
      'event-before-deposit',
      `${event.date} is before the deposit of the demand (${demand.depositDate})`,
      '/date',
    );
  }
  const specific = checkKind(event, demand.processingEvents ?? [], communes);
  if (specific) return specific;
  return {
    ok: true,
    value: {
      ...event,
      id,
      recordedOn: today,
      recordedBy: actor.kind === 'guichet' ? actor.guichetCode : actor.kind,
    },
  };
}

function checkKind(
  event: ProcessingEventInput,
  history: readonly ProcessingEvent[],
  communes: CommuneDirectory,
): ProcessingEventRefusal | undefined {
  const earlier = (kinds: readonly ProcessingEventKind[], test = (_: ProcessingEvent) => true) =>
    history.some((past) => kinds.includes(past.kind) && past.date <= event.date && test(past));
  switch (event.kind) {
    case 'information-requested':
      if (event.dueDate !== undefined && isIsoDate(event.dueDate) && event.dueDate < event.date)
        return refuse(
          'due-date-before-request',
          `the due date ${event.dueDate} is before the request (${event.date})`,
          '/dueDate',
        );
      return undefined;
    case 'cal-designation':
    case 'visit':
    case 'lease-signed': {
      if (!communes.has(event.dwelling.commune))
        return refuse(
          'unknown-commune',
          `"${event.dwelling.commune}" is not the INSEE code of a current commune`,
          '/dwelling/commune',
        );
      if (
        event.kind === 'lease-signed' &&
        !earlier(['cal-decision'], (past) =>
          ATTRIBUTIONS.includes((past as { decision: CalDecision }).decision),
        )
      )
        return refuse(
          'no-attribution-decision',
          'a lease is signed after a CAL attributed a dwelling: record the decision first',
        );
      return undefined;
    }
    case 'cal-agenda':
      return undefined;
    case 'cal-examination':
    case 'cal-decision':
      if (!earlier(['cal-agenda']))
        return refuse(
          'cal-agenda-missing',
          `a CAL ${event.kind === 'cal-decision' ? 'decides on' : 'examines'} a demand on its agenda: record the agenda first`,
        );
      if (event.kind === 'cal-decision') return checkDecision(event);
      return undefined;
    case 'applicant-refusal':
      if (event.motive === 'other' && event.motiveDetails === undefined)
        return refuse(
          'motive-details-required',
          'a refusal for another motive says which',
          '/motiveDetails',
        );
      if (
        !earlier(['visit']) &&
        !earlier(['cal-decision'], (past) =>
          ATTRIBUTIONS.includes((past as { decision: CalDecision }).decision),
        )
      )
        return refuse(
          'nothing-to-refuse',
          'the applicant refuses a dwelling offered: record the visit or the CAL decision first',
        );
      return undefined;
  }
}

function checkDecision(
  event: Extract<ProcessingEventInput, { kind: 'cal-decision' }>,
): ProcessingEventRefusal | undefined {
  if (event.decision === 'attribution-ranked' && event.rank === undefined)
    return refuse('rank-required', 'an attribution by ranking gives the rank', '/rank');
  if (event.decision !== 'attribution-ranked' && event.rank !== undefined)
    return refuse('rank-unexpected', 'only an attribution by ranking has a rank', '/rank');
  if (event.decision === 'attribution-conditional' && event.condition === undefined)
    return refuse(
      'condition-required',
      'a conditional attribution names its condition',
      '/condition',
    );
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// What the applicant sees

export interface TimelineEntry {
  readonly date: IsoDate;
  readonly kind:
    'deposited' | 'validated' | 'renewed' | 'radiated' | 'reactivated' | ProcessingEventKind;
  /** In French, as the portal shows it. */
  readonly label: string;
  readonly event?: ProcessingEvent;
}

/**
 * The demand's life as the portal shows it to the applicant (droit à l'information): deposit,
 * validation, renewals, the shared-management events, radiation and reactivations, by date.
 */
export function applicantTimeline(
  demand: Pick<
    DemandRecord,
    'depositDate' | 'renewals' | 'radiation' | 'reactivations' | 'identityVerification'
  > & { readonly processingEvents?: readonly ProcessingEvent[] },
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  if (demand.depositDate)
    entries.push({ date: demand.depositDate, kind: 'deposited', label: 'Dépôt de la demande' });
  if (demand.identityVerification)
    entries.push({
      date: demand.identityVerification.checkedOn,
      kind: 'validated',
      label: 'Validation de la demande par un guichet',
    });
  for (const renewal of demand.renewals)
    entries.push({
      date: renewal.date,
      kind: 'renewed',
      label: renewal.online ? 'Renouvellement en ligne' : 'Renouvellement',
    });
  for (const event of demand.processingEvents ?? [])
    entries.push({
      date: event.date,
      kind: event.kind,
      label: PROCESSING_EVENT_KIND_LABELS[event.kind],
      event,
    });
  for (const reactivation of demand.reactivations) {
    entries.push({ date: reactivation.radiation.date, kind: 'radiated', label: 'Radiation' });
    entries.push({ date: reactivation.date, kind: 'reactivated', label: 'Réactivation' });
  }
  if (demand.radiation)
    entries.push({ date: demand.radiation.date, kind: 'radiated', label: 'Radiation' });
  // Stable: events of one day keep the order they were recorded in.
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) =>
      a.entry.date < b.entry.date ? -1 : a.entry.date > b.entry.date ? 1 : a.index - b.index,
    )
    .map(({ entry }) => entry);
}
