import { parseIsoDate } from '../dates';
import { nonRenewalRadiationDate } from './anniversary';
import { DEFAULT_RENEWAL_SETTINGS, RenewalSettings } from './renewal-settings';

/** The renewal notices' words, filled from the `texts` setting (`./renewal-texts`). */

export interface RenewalNoticeTextInput {
  readonly numeroUnique: string;
  /** The anniversary the notice is about (the cycle), `YYYY-MM-DD`. */
  readonly cycle: string;
}

export interface RenewalEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface RenewalLetter {
  readonly kind: 'plain-letter' | 'registered-letter';
  readonly title: string;
  /** Paragraph lines; an empty string separates paragraphs. */
  readonly lines: readonly string[];
}

export function renewalSmsText(
  input: Pick<RenewalNoticeTextInput, 'numeroUnique'>,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): string {
  return fill(settings.texts.sms, {
    numeroUnique: input.numeroUnique,
    portalAddress: settings.portalAddress,
  });
}

export function renewalEmail(
  input: RenewalNoticeTextInput,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): RenewalEmail {
  const values = {
    numeroUnique: input.numeroUnique,
    anniversary: formatFrenchLongDate(input.cycle),
    portalAddress: settings.portalAddress,
    portalUrl: settings.portalUrl,
  };
  return {
    subject: fill(settings.texts.emailSubject, values),
    text: fill(settings.texts.emailText, values),
    html: fill(settings.texts.emailHtml, values, escapeHtml),
  };
}

export function renewalLetter(
  kind: RenewalLetter['kind'],
  input: RenewalNoticeTextInput,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): RenewalLetter {
  const template =
    kind === 'plain-letter' ? settings.texts.plainLetter : settings.texts.registeredLetter;
  const values = {
    numeroUnique: input.numeroUnique,
    anniversary: formatFrenchLongDate(input.cycle),
    radiationDate: formatFrenchLongDate(nonRenewalRadiationDate(input.cycle, settings)),
    portalAddress: settings.portalAddress,
  };
  return {
    kind,
    title: fill(template.title, values),
    lines: template.lines.map((line) => fill(line, values)),
  };
}

/** `26/05/2016`, as the register's screens show dates. */
export function formatFrenchDate(date: string): string {
  const { year, month, day } = parseIsoDate(date);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** `26 mai 2016`, `1er juin 2016`: French writes the first of the month as an ordinal. */
export function formatFrenchLongDate(date: string): string {
  const { year, month, day } = parseIsoDate(date);
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1] ?? ''} ${year}`;
}

function fill(
  template: string,
  values: Readonly<Record<string, string>>,
  escape: (value: string) => string = (value) => value,
): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new RangeError(`no value for {${name}}`);
    return escape(value);
  });
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}
