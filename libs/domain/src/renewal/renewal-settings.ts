import { ANNIVERSARY_BASES, DEFAULT_ANNIVERSARY_RULES, type AnniversaryRules } from './anniversary';
import {
  DEFAULT_RENEWAL_TEXTS,
  placeholdersOf,
  type RenewalTexts,
  TEXT_PLACEHOLDERS,
} from './renewal-texts';
import {
  DEFAULT_QUIET_HOURS,
  isTimeOfDay,
  isTimeZone,
  PARIS_TIME_ZONE,
  QuietHours,
} from './zoned-time';

/**
 * The renewal calendar's offsets and channels. Defaults are the seeds' practice (2016): email and
 * SMS two months before the anniversary, a plain letter instead for applicants with neither, a
 * registered letter one month before, radiation one month after, reactivation within five months.
 * The law only asks for a notice at least one month before expiry, so all of it is a setting.
 */

export interface RenewalChannels {
  /** Email at the first notice, to applicants with an address. */
  readonly email: boolean;
  /** SMS at the first notice, to applicants with a mobile who did not refuse SMS. */
  readonly sms: boolean;
  /** Plain letter (*lettre simple*) at the first notice when no email or SMS goes out. */
  readonly plainLetter: boolean;
  /** Registered letter (*lettre expert*) when still not renewed. */
  readonly registeredLetter: boolean;
}

/**
 * The anniversary basis, renewal window, month of grace and reactivation window are the
 * `AnniversaryRules` the registration app also decides with: pass the same settings to both.
 */
export interface RenewalSettings extends AnniversaryRules {
  /** Email, SMS or plain letter this many months before the anniversary. */
  readonly firstNoticeMonthsBefore: number;
  readonly registeredLetterMonthsBefore: number;
  readonly channels: RenewalChannels;
  /** Demands created or renewed online at least once get no paper (R. 441-2-7 CCH since 2015). */
  readonly paperForOnlineDemands: boolean;
  /** The portal as the SMS spells it. */
  readonly portalAddress: string;
  /** The portal as emails link to it. */
  readonly portalUrl: string;
  readonly quietHours: QuietHours;
  /** The zone "today" and quiet hours are read in. */
  readonly timeZone: string;
  /** The words of the SMS, the email and the letters (`./renewal-texts`). */
  readonly texts: RenewalTexts;
}

export const DEFAULT_RENEWAL_SETTINGS: RenewalSettings = Object.freeze({
  ...DEFAULT_ANNIVERSARY_RULES,
  firstNoticeMonthsBefore: 2,
  registeredLetterMonthsBefore: 1,
  channels: Object.freeze({ email: true, sms: true, plainLetter: true, registeredLetter: true }),
  paperForOnlineDemands: false,
  portalAddress: 'www.demande-logement-social.gouv.fr',
  portalUrl: 'https://www.demande-logement-social.gouv.fr',
  quietHours: DEFAULT_QUIET_HOURS,
  timeZone: PARIS_TIME_ZONE,
  texts: DEFAULT_RENEWAL_TEXTS,
});

export type RenewalSettingsOverrides = {
  readonly [K in keyof RenewalSettings]?: RenewalSettings[K] extends object
    ? Partial<RenewalSettings[K]>
    : RenewalSettings[K];
};

export interface RenewalSettingsIssue {
  /** Dotted path of the offending setting, e.g. `quietHours.end`. */
  readonly path: string;
  readonly message: string;
}

export class InvalidRenewalSettingsError extends Error {
  constructor(readonly issues: readonly RenewalSettingsIssue[]) {
    super(
      `invalid renewal settings: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
    );
    this.name = 'InvalidRenewalSettingsError';
  }
}

/** Months are bounded so that a cycle's notices and radiation stay within a year of it. */
const MONTH_RANGES = {
  renewalWindowMonths: [1, 11],
  firstNoticeMonthsBefore: [1, 11],
  registeredLetterMonthsBefore: [0, 11],
  radiationMonthsAfter: [0, 11],
  reactivationWindowMonths: [0, 24],
} as const;

const NESTED = ['channels', 'quietHours', 'texts'] as const;

/** Every problem of a set of overrides at once, so configuration fails with the whole list. */
export function renewalSettingsIssues(overrides: unknown): RenewalSettingsIssue[] {
  return merge(overrides).issues;
}

/** The defaults with `overrides` applied, or an `InvalidRenewalSettingsError` listing the issues. */
export function resolveRenewalSettings(overrides: unknown = {}): RenewalSettings {
  const { settings, issues } = merge(overrides);
  if (issues.length > 0) throw new InvalidRenewalSettingsError(issues);
  return settings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(overrides: unknown): { settings: RenewalSettings; issues: RenewalSettingsIssue[] } {
  const issues: RenewalSettingsIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (!isRecord(overrides)) {
    issue('', 'must be an object');
    return { settings: DEFAULT_RENEWAL_SETTINGS, issues };
  }
  const defaults = DEFAULT_RENEWAL_SETTINGS as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in defaults)) {
      issue(key, 'is not a renewal setting');
    } else if ((NESTED as readonly string[]).includes(key)) {
      const nestedDefaults = defaults[key] as Record<string, unknown>;
      if (!isRecord(value)) {
        issue(key, 'must be an object');
        continue;
      }
      for (const nestedKey of Object.keys(value)) {
        if (!(nestedKey in nestedDefaults))
          issue(`${key}.${nestedKey}`, 'is not a renewal setting');
      }
      merged[key] = { ...nestedDefaults, ...value };
    } else {
      merged[key] = value;
    }
  }
  const settings = merged as unknown as RenewalSettings;

  if (!(ANNIVERSARY_BASES as readonly unknown[]).includes(settings.anniversaryBasis)) {
    issue('anniversaryBasis', `must be one of ${ANNIVERSARY_BASES.join(', ')}`);
  }
  const validMonths = new Set<string>();
  for (const [key, [min, max]] of Object.entries(MONTH_RANGES)) {
    const value = merged[key];
    if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) {
      validMonths.add(key);
    } else {
      issue(key, `must be a whole number of months from ${min} to ${max}`);
    }
  }
  const valid = (...keys: string[]) => keys.every((key) => validMonths.has(key));
  if (
    valid('firstNoticeMonthsBefore', 'registeredLetterMonthsBefore') &&
    settings.registeredLetterMonthsBefore > settings.firstNoticeMonthsBefore
  ) {
    issue('registeredLetterMonthsBefore', 'must not come before the first notice');
  }
  // Otherwise an applicant renewing as soon as notified would not leave the cycle.
  if (
    valid('firstNoticeMonthsBefore', 'renewalWindowMonths') &&
    settings.firstNoticeMonthsBefore > settings.renewalWindowMonths
  ) {
    issue('firstNoticeMonthsBefore', 'must fall within the renewal window');
  }
  if (isRecord(settings.channels)) {
    for (const [channel, enabled] of Object.entries(settings.channels)) {
      if (typeof enabled !== 'boolean') issue(`channels.${channel}`, 'must be true or false');
    }
  }
  if (typeof settings.paperForOnlineDemands !== 'boolean') {
    issue('paperForOnlineDemands', 'must be true or false');
  }
  if (
    typeof settings.portalAddress !== 'string' ||
    !/^[^\s<>"']{1,100}$/.test(settings.portalAddress)
  ) {
    issue('portalAddress', 'must be a host name or address of 1 to 100 characters without spaces');
  }
  if (!isHttpUrl(settings.portalUrl)) issue('portalUrl', 'must be an http or https URL');
  if (isRecord(settings.quietHours)) {
    for (const bound of ['start', 'end'] as const) {
      if (!isTimeOfDay(settings.quietHours[bound])) {
        issue(`quietHours.${bound}`, 'must be a HH:MM time of day');
      }
    }
  }
  if (!isTimeZone(settings.timeZone)) issue('timeZone', 'must be an IANA time zone');
  if (isRecord(settings.texts)) {
    for (const [name, allowed] of Object.entries(TEXT_PLACEHOLDERS)) {
      const template = (settings.texts as unknown as Record<string, unknown>)[name];
      const strings = textsOf(template);
      if (strings === undefined) {
        issue(
          `texts.${name}`,
          name.endsWith('Letter')
            ? 'must be { title: text, lines: [text…] }'
            : 'must be a non-empty text',
        );
        continue;
      }
      const unknown = strings.flatMap(placeholdersOf).filter((used) => !allowed.includes(used));
      if (unknown.length > 0) {
        issue(
          `texts.${name}`,
          `uses {${[...new Set(unknown)].join('}, {')}}: only {${allowed.join('}, {')}} are filled`,
        );
      }
    }
  }

  return { settings: deepFreeze(settings), issues };
}

/** The texts of a template (a string, or a letter's title and lines), or undefined if malformed. */
function textsOf(template: unknown): string[] | undefined {
  if (typeof template === 'string') return template.trim().length > 0 ? [template] : undefined;
  if (!isRecord(template)) return undefined;
  const { title, lines } = template;
  if (typeof title !== 'string' || title.trim().length === 0 || !Array.isArray(lines)) {
    return undefined;
  }
  return lines.every((line) => typeof line === 'string') ? [title, ...lines] : undefined;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (isRecord(value) && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
