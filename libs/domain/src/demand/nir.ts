import type { Civility } from './codes';
import { isIsoDate, parseIsoDate } from '../dates';

/**
 * The NIR (numéro d'inscription au répertoire, the social-security number): sex (1), year (2)
 * and month (2) of birth, department (2, or 2A/2B), commune (3), order (3), key (2). The key is
 * 97 − (the 13 first characters as a number mod 97), Corsica's 2A and 2B counting as 19 and 18.
 */

/** As sent in an input: 15 characters, upper case, no spaces. */
export const NIR_PATTERN = '^[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}$';

const NIR_PARTS =
  /^([1-478])([0-9]{2})(0[1-9]|1[0-2]|[2-9][0-9])([0-9]{2}|2[AB])([0-9]{6})([0-9]{2})$/;

export type Sex = 'M' | 'F';

export interface NirParts {
  readonly sex: Sex;
  /** The last two digits of the birth year. */
  readonly birthYear: number;
  /** 1-12, or undefined when the register did not know the month (codes 20-42, 50-99). */
  readonly birthMonth: number | undefined;
  readonly department: string;
}

export type NirCheck =
  { readonly ok: true; readonly parts: NirParts } | { readonly ok: false; readonly reason: string };

/** Removes the spaces, dots and dashes people type, upper-cases 2a/2b. */
export function normalizeNir(raw: string): string {
  return raw.replace(/[\s.-]/g, '').toUpperCase();
}

/** The key of the 13 first characters of a NIR. */
export function nirKey(body: string): number {
  const digits = body
    .toUpperCase()
    .replace(/^(.{5})2A/, '$119')
    .replace(/^(.{5})2B/, '$118');
  if (!/^[0-9]{13}$/.test(digits)) throw new RangeError(`"${body}" is not the body of a NIR`);
  return 97 - (Number(digits) % 97);
}

export function checkNir(nir: string): NirCheck {
  const match = NIR_PARTS.exec(nir);
  if (!match) {
    return {
      ok: false,
      reason:
        'must be a NIR: 15 characters, sex 1, 2, 3, 4, 7 or 8, year, month, department, commune, order, key',
    };
  }
  const [, sex, year, month, department, , key] = match;
  if (nirKey(nir.slice(0, 13)) !== Number(key)) {
    return { ok: false, reason: 'has a wrong key (97 − the 13 first digits mod 97)' };
  }
  const monthNumber = Number(month);
  return {
    ok: true,
    parts: {
      sex: Number(sex) % 2 === 1 ? 'M' : 'F',
      birthYear: Number(year),
      birthMonth: monthNumber <= 12 ? monthNumber : undefined,
      department,
    },
  };
}

export function sexOfCivility(civility: Civility): Sex {
  return civility === 1 ? 'M' : 'F';
}

/** What a valid NIR says that contradicts the person's declared birth date and sex. */
export function nirInconsistencies(
  parts: NirParts,
  person: { readonly birthDate?: unknown; readonly sex?: Sex },
): string[] {
  const reasons: string[] = [];
  if (isIsoDate(person.birthDate)) {
    const { year, month } = parseIsoDate(person.birthDate);
    if (year % 100 !== parts.birthYear) {
      reasons.push(
        `says born in a year ending in ${String(parts.birthYear).padStart(2, '0')}, not in ${year}`,
      );
    }
    if (parts.birthMonth !== undefined && parts.birthMonth !== month) {
      reasons.push(`says born in month ${parts.birthMonth}, not in month ${month}`);
    }
  }
  if (person.sex !== undefined && person.sex !== parts.sex) {
    reasons.push(
      `is a ${parts.sex === 'M' ? "man's" : "woman's"} number, not matching the civility or sex`,
    );
  }
  return reasons;
}
