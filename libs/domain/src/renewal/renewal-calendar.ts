import { addMonths, compareIsoDates, parseIsoDate } from '../dates';
import {
  anniversaryAfterReactivation,
  firstAnniversary,
  isWithinReactivationWindow,
  lastReactivationDate,
  nextAnniversary,
  nonRenewalRadiationDate,
} from './anniversary';
import { DEFAULT_RENEWAL_SETTINGS, RenewalSettings } from './renewal-settings';

/**
 * When a demand must be renewed, which notices announce it, and when it is radiated for
 * non-renewal. A cycle is identified by the anniversary it ends on (`2016-05-26`): notices, the
 * radiation command and their job ids all carry it, so a renewal, which moves the demand to the
 * next cycle, leaves everything pending of the previous one behind.
 *
 * Dates are ISO `YYYY-MM-DD` days in the register's time zone (see `parisDate`).
 */

export const RENEWAL_NOTICE_KINDS = [
  'email',
  'sms',
  'plain-letter',
  'registered-letter',
  'radiation-for-non-renewal',
] as const;
export type RenewalNoticeKind = (typeof RENEWAL_NOTICE_KINDS)[number];

/** The radiation motive code of a demand radiated for non-renewal. */
export const NON_RENEWAL_RADIATION_MOTIVE = 'RADREN';

export type RenewalSubjectState = 'draft' | 'awaiting-validation' | 'active' | 'radiated';

/** What the renewal calendar needs to know of a demand. */
export interface RenewalSubject {
  readonly numeroUnique: string;
  /** The initial deposit, which gives the demand its seniority and its anniversary. */
  readonly depositDate: string;
  /**
   * The register's "date du prochain renouvellement", when known. It is the current cycle as is:
   * the registration app owns it (e.g. a separated partner's demand, migrated demands).
   */
  readonly anniversaryDate?: string;
  readonly renewals: readonly { readonly date: string; readonly online: boolean }[];
  /** Reactivations after a radiation for non-renewal. */
  readonly reactivations?: readonly { readonly date: string }[];
  readonly createdOnline: boolean;
  readonly hasEmail: boolean;
  readonly hasMobile: boolean;
  /** The CERFA's "Notifications par SMS" box; absent means the applicant did not refuse. */
  readonly smsConsent?: boolean;
  readonly state: RenewalSubjectState;
  readonly radiation?: { readonly date: string; readonly motive: string };
}

export interface PlannedRenewalNotice {
  /** The anniversary the notice is about. */
  readonly cycle: string;
  readonly kind: RenewalNoticeKind;
  readonly dueDate: string;
}

export interface SentRenewalNotice {
  readonly cycle: string;
  readonly kind: RenewalNoticeKind;
}

/**
 * The cycle a demand must be renewed for: the anniversary it is valid until, or `null` when it
 * has none running (not registered yet, or radiated). The register's own `anniversaryDate` wins
 * when the subject carries it; otherwise it is computed from the events dated up to `today`
 * exactly as the registration app stores it: the first anniversary, then the one each renewal
 * (`nextAnniversary`) or reactivation (`anniversaryAfterReactivation`) sets. The rule and its
 * settings are in `./anniversary`.
 */
export function currentCycle(
  subject: RenewalSubject,
  today?: string,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): string | null {
  if (subject.state !== 'active') return null;
  if (subject.anniversaryDate !== undefined) {
    parseIsoDate(subject.anniversaryDate, 'anniversary date');
    return subject.anniversaryDate;
  }
  const { depositDate } = subject;
  parseIsoDate(depositDate, 'deposit date');
  if (today !== undefined) parseIsoDate(today, 'today');
  // The register sets the anniversary anew on every event: the latest decides.
  const latest = eventsUntil(subject, today).at(-1);
  if (!latest) return firstAnniversary(depositDate);
  return latest.type === 'reactivation'
    ? anniversaryAfterReactivation(depositDate, latest.date, settings)
    : nextAnniversary(depositDate, latest.date, settings);
}

/**
 * Everything planned for the demand's current cycle, ordered by due date: the first notice
 * (email and/or SMS, or a plain letter when neither can go out), the registered letter, and the
 * radiation for non-renewal. Demands created or renewed online at least once get no paper.
 */
export function plannedNotices(
  subject: RenewalSubject,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): PlannedRenewalNotice[] {
  const cycle = currentCycle(subject, undefined, settings);
  return cycle === null ? [] : planFor(subject, cycle, settings);
}

/**
 * What must be done today for a demand: the notices of its current cycle due on or before
 * `today` and not sent yet. Once the radiation is due, the notices that were missed are no longer
 * worth sending: only the radiation is. A radiated demand gets nothing.
 */
export function noticesDue(
  subject: RenewalSubject,
  today: string,
  alreadySent: readonly SentRenewalNotice[],
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): PlannedRenewalNotice[] {
  parseIsoDate(today, 'today');
  const asOfToday = { ...subject, renewals: subject.renewals.filter((r) => r.date <= today) };
  const cycle = currentCycle(asOfToday, today, settings);
  if (cycle === null) return [];
  const sent = new Set(alreadySent.filter((n) => n.cycle === cycle).map((n) => n.kind));
  const due = planFor(asOfToday, cycle, settings).filter((n) => n.dueDate <= today);
  const radiationDue = due.some((n) => n.kind === 'radiation-for-non-renewal');
  return due.filter(
    (n) => !sent.has(n.kind) && (!radiationDue || n.kind === 'radiation-for-non-renewal'),
  );
}

/**
 * The BullMQ job id of one notice of one cycle: deterministic, so a replayed event schedules the
 * same job instead of a second one, and without ':' (BullMQ's key separator). The number is
 * URI-encoded so that two different numbers can never give the same id.
 */
export function noticeJobId(numeroUnique: string, cycle: string, kind: RenewalNoticeKind): string {
  if (numeroUnique.trim() === '') throw new RangeError('numéro unique is empty');
  parseIsoDate(cycle, 'cycle');
  if (!(RENEWAL_NOTICE_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`"${String(kind)}" is not a renewal notice kind`);
  }
  return `renewal-notice/${encodeURIComponent(numeroUnique)}/${cycle}/${kind}`;
}

/** Created online or renewed online at least once: notified by email and/or SMS only. */
export function isOnlineDemand(subject: RenewalSubject): boolean {
  return subject.createdOnline || subject.renewals.some((renewal) => renewal.online);
}

export type ReactivationEligibility =
  | { readonly allowed: true; readonly deadline: string }
  | {
      readonly allowed: false;
      readonly reason: 'not-radiated' | 'not-radiated-for-non-renewal' | 'window-closed';
      readonly deadline?: string;
    };

/**
 * Whether a guichet may reactivate the demand on `date`: only a radiation for non-renewal, and
 * only within `isWithinReactivationWindow` (the demand rules' `canReactivate` decides with it).
 */
export function reactivationEligibility(
  subject: RenewalSubject,
  date: string,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): ReactivationEligibility {
  parseIsoDate(date, 'reactivation date');
  const { radiation } = subject;
  if (subject.state !== 'radiated' || !radiation) return { allowed: false, reason: 'not-radiated' };
  if (radiation.motive !== NON_RENEWAL_RADIATION_MOTIVE) {
    return { allowed: false, reason: 'not-radiated-for-non-renewal' };
  }
  const deadline = lastReactivationDate(radiation.date, settings);
  return isWithinReactivationWindow(radiation.date, date, settings)
    ? { allowed: true, deadline }
    : { allowed: false, reason: 'window-closed', deadline };
}

const KIND_ORDER = new Map(RENEWAL_NOTICE_KINDS.map((kind, index) => [kind, index]));

function planFor(
  subject: RenewalSubject,
  cycle: string,
  settings: RenewalSettings,
): PlannedRenewalNotice[] {
  const { channels } = settings;
  const paper = settings.paperForOnlineDemands || !isOnlineDemand(subject);
  const email = channels.email && subject.hasEmail;
  const sms = channels.sms && subject.hasMobile && subject.smsConsent !== false;
  const first = addMonths(cycle, -settings.firstNoticeMonthsBefore);
  const planned: PlannedRenewalNotice[] = [];
  if (email) planned.push({ cycle, kind: 'email', dueDate: first });
  if (sms) planned.push({ cycle, kind: 'sms', dueDate: first });
  if (!email && !sms && paper && channels.plainLetter) {
    planned.push({ cycle, kind: 'plain-letter', dueDate: first });
  }
  if (paper && channels.registeredLetter) {
    planned.push({
      cycle,
      kind: 'registered-letter',
      dueDate: addMonths(cycle, -settings.registeredLetterMonthsBefore),
    });
  }
  planned.push({
    cycle,
    kind: 'radiation-for-non-renewal',
    dueDate: nonRenewalRadiationDate(cycle, settings),
  });
  return planned.sort(
    (a, b) =>
      a.dueDate.localeCompare(b.dueDate) ||
      (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0),
  );
}

type CalendarEvent = { readonly type: 'renewal' | 'reactivation'; readonly date: string };

/** The events a cycle is computed from, in the order they happened. */
function eventsUntil(subject: RenewalSubject, today: string | undefined): CalendarEvent[] {
  const events: CalendarEvent[] = [
    ...(subject.reactivations ?? []).map((r) => ({ type: 'reactivation' as const, date: r.date })),
    ...subject.renewals.map((r) => ({ type: 'renewal' as const, date: r.date })),
  ];
  for (const event of events) parseIsoDate(event.date, `${event.type} date`);
  // Nothing renews a demand before it exists. On one day, the reactivation comes first (a
  // radiated demand cannot be renewed); `sort` is stable.
  return events
    .filter(
      (event) => event.date > subject.depositDate && (today === undefined || event.date <= today),
    )
    .sort((a, b) => compareIsoDates(a.date, b.date));
}
