import type { Civility } from './codes';
import { isIsoDate, type IsoDate } from '../dates';
import { checkNir, normalizeNir, sexOfCivility } from './nir';

/**
 * Duplicate detection on the register's four control fields (civility, last name, first name,
 * birth date) and on the NIR. The keys are plain strings made for an indexed equality lookup:
 * two spellings of one person ("Lefèvre", "LEFEVRE", "le-fèvre", "Le Fèvre") give one key.
 */

/** Bumped whenever normalisation changes, so stored keys can be recomputed and told apart. */
export const DUPLICATE_KEY_VERSION = 'v1';

/** Letters NFD does not decompose into a base letter and a mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  Œ: 'OE',
  œ: 'oe',
  Æ: 'AE',
  æ: 'ae',
  ß: 'ss',
  ẞ: 'SS',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Þ: 'TH',
  þ: 'th',
  ı: 'i',
};
const SPECIAL = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'gu');
/** Hyphens, dashes, apostrophes, quotes, dots, commas, underscores: all separate words. */
const SEPARATORS = /[\s\-‐‑‒–—―'’‘ʼ`´".,_|]+/gu;

/**
 * A name as the duplicate check compares it: upper case, no accents or ligatures, every
 * separator a single space, trimmed. `Jean-Pierre` and `jean  pierre` give `JEAN PIERRE`.
 */
export function normalizeControlName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(SPECIAL, (letter) => SPECIAL_LETTERS[letter] ?? letter)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(SEPARATORS, ' ')
    .trim();
}

export interface ControlFields {
  readonly civility: Civility;
  readonly lastName: string;
  readonly firstName: string;
  readonly birthDate: IsoDate;
}

/**
 * `v1|F|LEFEVRE|MARIEHELENE|1985-04-12`. Civility counts as sex (Madame and Mademoiselle are
 * one person), and the names lose their spaces so "Le Fèvre" meets "Lefèvre".
 */
export function duplicateKey(fields: ControlFields): string {
  if (!isIsoDate(fields.birthDate)) {
    throw new RangeError(`birth date "${String(fields.birthDate)}" is not a calendar date`);
  }
  const compact = (name: string) => normalizeControlName(name).replace(/ /g, '');
  return [
    DUPLICATE_KEY_VERSION,
    sexOfCivility(fields.civility),
    compact(fields.lastName),
    compact(fields.firstName),
    fields.birthDate,
  ].join('|');
}

/**
 * Every control key of a person: with the last name, and with the birth name when there is one
 * (a married applicant may have filed elsewhere under her birth name). Store them as an array
 * with an index on it; look a new demand's keys up with `$in`.
 */
export function duplicateKeys(fields: ControlFields & { readonly birthName?: string }): string[] {
  const keys = [duplicateKey(fields)];
  if (fields.birthName) {
    const byBirthName = duplicateKey({ ...fields, lastName: fields.birthName });
    if (!keys.includes(byBirthName)) keys.push(byBirthName);
  }
  return keys;
}

/** `v1|NIR|285045746312345`, or undefined for a NIR that is not valid (key included). */
export function nirDuplicateKey(nir: string): string | undefined {
  const normalized = normalizeNir(nir);
  return checkNir(normalized).ok ? `${DUPLICATE_KEY_VERSION}|NIR|${normalized}` : undefined;
}
