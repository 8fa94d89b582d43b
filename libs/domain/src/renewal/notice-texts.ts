import { parseIsoDate } from '../dates';
import { nonRenewalRadiationDate } from './anniversary';
import { DEFAULT_RENEWAL_SETTINGS, RenewalSettings } from './renewal-settings';

/**
 * The words of the renewal notices. Templates are plain strings with `{placeholder}`s: a dozen
 * fixed texts do not need a template engine, and HTML gets every value escaped.
 */

/**
 * The SMS of the seeds (SNE presentation, 2016), with the portal address as a setting. The seed
 * writes «No: xx {numeroUnique}»: "xx" is the seeds' mark for a field to fill (their summary sheet
 * reads "Numéro usuel : xxxxxxxxxx", "xx/xx/xxxx"), so the number takes its place.
 */
export const RENEWAL_SMS_TEMPLATE =
  'Votre demande de logement social No: {numeroUnique} doit être renouvelée. Allez sur {portalAddress} ou à votre guichet habituel.';

const EMAIL_SUBJECT = 'Renouvelez votre demande de logement social n° {numeroUnique}';

const EMAIL_TEXT = [
  'Madame, Monsieur,',
  '',
  'Votre demande de logement social n° {numeroUnique} doit être renouvelée avant le {anniversary}.',
  '',
  'Renouvelez-la sur {portalUrl} ou à votre guichet habituel. Sans renouvellement, votre demande sera radiée et vous perdrez son ancienneté.',
  '',
  'Ce message est envoyé automatiquement, merci de ne pas y répondre.',
].join('\n');

const EMAIL_HTML = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>${EMAIL_SUBJECT}</title></head>
<body>
<p>Madame, Monsieur,</p>
<p>Votre demande de logement social n°&nbsp;<strong>{numeroUnique}</strong> doit être renouvelée avant le <strong>{anniversary}</strong>.</p>
<p>Renouvelez-la sur <a href="{portalUrl}">{portalAddress}</a> ou à votre guichet habituel. Sans renouvellement, votre demande sera radiée et vous perdrez son ancienneté.</p>
<p>Ce message est envoyé automatiquement, merci de ne pas y répondre.</p>
</body>
</html>
`;

const LETTER_OPENING = ['Numéro unique : {numeroUnique}', '', 'Madame, Monsieur,', ''];

const LETTER_CLOSING = [
  '',
  'Vous pouvez renouveler votre demande sur {portalAddress} ou auprès de votre guichet habituel, muni de ce courrier.',
  '',
  "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
];

const PLAIN_LETTER = {
  title: 'Objet : renouvellement de votre demande de logement social',
  lines: [
    ...LETTER_OPENING,
    'Votre demande de logement social n° {numeroUnique} arrive à échéance le {anniversary}. Pour la conserver, vous devez la renouveler avant cette date.',
    '',
    'Sans renouvellement, votre demande sera radiée et vous perdrez son ancienneté.',
    ...LETTER_CLOSING,
  ],
};

const REGISTERED_LETTER = {
  title: 'Objet : dernier rappel avant radiation de votre demande de logement social',
  lines: [
    ...LETTER_OPENING,
    "Votre demande de logement social n° {numeroUnique}, qui arrive à échéance le {anniversary}, n'a pas encore été renouvelée.",
    '',
    "Si elle ne l'est pas, elle sera radiée pour non-renouvellement le {radiationDate} et vous perdrez son ancienneté.",
    ...LETTER_CLOSING,
  ],
};

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
  return fill(RENEWAL_SMS_TEMPLATE, {
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
    subject: fill(EMAIL_SUBJECT, values),
    text: fill(EMAIL_TEXT, values),
    html: fill(EMAIL_HTML, values, escapeHtml),
  };
}

export function renewalLetter(
  kind: RenewalLetter['kind'],
  input: RenewalNoticeTextInput,
  settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS,
): RenewalLetter {
  const template = kind === 'plain-letter' ? PLAIN_LETTER : REGISTERED_LETTER;
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
