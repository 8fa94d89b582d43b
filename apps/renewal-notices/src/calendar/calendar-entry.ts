import type { DemandSnapshot } from '@sne/contracts';
import { CIVILITY_LABELS, type RenewalSubject, type RenewalSubjectState } from '@sne/domain';

/** Who the notices of a demand go to, as the CERFA gives it. */
export interface Recipient {
  /** As printed on an envelope: "Madame Marie DUPONT", "Association Toit pour tous". */
  readonly name: string;
  readonly email?: string;
  readonly mobile?: string;
  /** The postal address, one line per element, the name excluded. */
  readonly address: readonly string[];
}

/** The renewal-notices app's view of one demand: its calendar and how to reach the applicant. */
export interface CalendarEntry {
  readonly numeroUnique: string;
  readonly version: number;
  readonly department: string;
  readonly guichetCode: string;
  readonly subject: RenewalSubject;
  readonly recipient: Recipient;
}

const STATES: readonly RenewalSubjectState[] = [
  'draft',
  'awaiting-validation',
  'active',
  'radiated',
];

/**
 * Reads what the calendar needs from a demand event's snapshot. The envelope's schema pins the
 * identity fields; the CERFA part is the registration app's, so each field is read defensively:
 * a missing contact means no email or SMS, never a crash.
 */
export function calendarEntryOf(demand: DemandSnapshot): CalendarEntry {
  const contact = record(demand['contact']);
  const email = text(contact['email']);
  const mobile = text(contact['mobile']);
  const radiation = record(demand['radiation']);
  const radiationDate = text(radiation['date']);
  const radiationMotive = text(radiation['motive']);
  const anniversaryDate = text(demand['anniversaryDate']);
  const smsConsent = contact['smsConsent'];
  const subject: RenewalSubject = {
    numeroUnique: demand.numeroUnique,
    depositDate: demand.depositDate,
    ...(anniversaryDate ? { anniversaryDate } : {}),
    renewals: list(demand['renewals']).flatMap((renewal) => {
      const date = text(renewal['date']);
      return date ? [{ date, online: renewal['online'] === true }] : [];
    }),
    reactivations: list(demand['reactivations']).flatMap((reactivation) => {
      const date = text(reactivation['date']);
      return date ? [{ date }] : [];
    }),
    createdOnline: demand['createdOnline'] === true,
    hasEmail: email !== undefined,
    hasMobile: mobile !== undefined,
    ...(typeof smsConsent === 'boolean' ? { smsConsent } : {}),
    state: STATES.includes(demand.state) ? demand.state : 'draft',
    ...(radiationDate && radiationMotive
      ? { radiation: { date: radiationDate, motive: radiationMotive } }
      : {}),
  };
  return {
    numeroUnique: demand.numeroUnique,
    version: demand.version,
    department: demand.department,
    guichetCode: demand.guichetCode,
    subject,
    recipient: {
      name: recipientName(record(demand['applicant'])),
      ...(email ? { email } : {}),
      ...(mobile ? { mobile } : {}),
      address: addressLines(record(demand['postalAddress'])),
    },
  };
}

function recipientName(applicant: Record<string, unknown>): string {
  if (applicant['kind'] === 'association') {
    return text(applicant['name']) ?? '';
  }
  const civility = CIVILITY_LABELS[applicant['civility'] as keyof typeof CIVILITY_LABELS];
  return [civility, text(applicant['firstName']), text(applicant['lastName'])?.toUpperCase()]
    .filter((part) => part !== undefined && part.length > 0)
    .join(' ');
}

/** The lines of a French postal address (AFNOR NF Z10-011 order), empty ones left out. */
export function addressLines(address: Record<string, unknown>): string[] {
  const join = (...parts: unknown[]) =>
    parts
      .map(text)
      .filter((part) => part !== undefined)
      .join(' ');
  const lines = [
    join(
      prefixed('Appt', address['apartment']),
      prefixed('Esc.', address['staircase']),
      prefixed('Étage', address['floor']),
    ),
    join(prefixed('Bât.', address['building']), address['complement']),
    join(address['number'], address['street']),
    join(address['lieuDit']),
    join(address['postalCode'], text(address['locality'])?.toUpperCase()),
    address['abroad'] === true ? join(text(address['country'])?.toUpperCase()) : '',
  ];
  return lines.filter((line) => line.length > 0);
}

function prefixed(label: string, value: unknown): string | undefined {
  const found = text(value);
  return found ? `${label} ${found}` : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}
