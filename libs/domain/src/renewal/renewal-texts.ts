/**
 * The words of the renewal notices, as templates with `{placeholder}`s: a dozen fixed texts do
 * not need a template engine, and HTML gets every value escaped. They are the defaults of the
 * `texts` renewal setting; each template may use only the placeholders listed for it.
 */

export interface LetterTemplate {
  readonly title: string;
  /** Paragraph lines; an empty string separates paragraphs. */
  readonly lines: readonly string[];
}

export interface RenewalTexts {
  readonly sms: string;
  readonly emailSubject: string;
  readonly emailText: string;
  readonly emailHtml: string;
  readonly plainLetter: LetterTemplate;
  readonly registeredLetter: LetterTemplate;
}

/** What each template may say: the values the notice functions fill in. */
export const TEXT_PLACEHOLDERS: Readonly<Record<keyof RenewalTexts, readonly string[]>> = {
  sms: ['numeroUnique', 'portalAddress'],
  emailSubject: ['numeroUnique', 'anniversary'],
  emailText: ['numeroUnique', 'anniversary', 'portalAddress', 'portalUrl'],
  emailHtml: ['numeroUnique', 'anniversary', 'portalAddress', 'portalUrl'],
  plainLetter: ['numeroUnique', 'anniversary', 'radiationDate', 'portalAddress'],
  registeredLetter: ['numeroUnique', 'anniversary', 'radiationDate', 'portalAddress'],
};

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

const PLAIN_LETTER: LetterTemplate = {
  title: 'Objet : renouvellement de votre demande de logement social',
  lines: [
    ...LETTER_OPENING,
    'Votre demande de logement social n° {numeroUnique} arrive à échéance le {anniversary}. Pour la conserver, vous devez la renouveler avant cette date.',
    '',
    'Sans renouvellement, votre demande sera radiée et vous perdrez son ancienneté.',
    ...LETTER_CLOSING,
  ],
};

const REGISTERED_LETTER: LetterTemplate = {
  title: 'Objet : dernier rappel avant radiation de votre demande de logement social',
  lines: [
    ...LETTER_OPENING,
    "Votre demande de logement social n° {numeroUnique}, qui arrive à échéance le {anniversary}, n'a pas encore été renouvelée.",
    '',
    "Si elle ne l'est pas, elle sera radiée pour non-renouvellement le {radiationDate} et vous perdrez son ancienneté.",
    ...LETTER_CLOSING,
  ],
};

export const DEFAULT_RENEWAL_TEXTS: RenewalTexts = Object.freeze({
  sms: RENEWAL_SMS_TEMPLATE,
  emailSubject: EMAIL_SUBJECT,
  emailText: EMAIL_TEXT,
  emailHtml: EMAIL_HTML,
  plainLetter: PLAIN_LETTER,
  registeredLetter: REGISTERED_LETTER,
});

/** The `{placeholder}` names a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1] ?? '');
}
