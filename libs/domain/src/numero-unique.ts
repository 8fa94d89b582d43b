/**
 * The numéro unique, e.g. `057 1215 073903 10691`: department (3 characters), month and year of
 * deposit (MMYY), a sequence (6 digits) and the code of the guichet that registered the demand.
 * Every number is made and read here, so a national format can replace this one in one place.
 */

export interface NumeroUniqueParts {
  /** INSEE department on 3 characters: `057`, `075`, `02A`, `971`. */
  readonly department: string;
  readonly depositDate: Date;
  readonly sequence: number;
  readonly guichetCode: string;
}

const FORMAT = /^([0-9]{2}[0-9AB]) ([0-9]{2})([0-9]{2}) ([0-9]{6}) ([0-9A-Z]{5})$/;
export const MAX_SEQUENCE = 999_999;

export class InvalidNumeroUniqueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNumeroUniqueError';
  }
}

/** `057` for Moselle from `57`, `02A` stays `02A`, overseas `971` stays `971`. */
export function normalizeDepartment(code: string): string {
  const upper = code.trim().toUpperCase();
  if (/^[0-9]{3}$/.test(upper) || /^0?2[AB]$/.test(upper)) return upper.padStart(3, '0');
  if (/^[0-9]{2}$/.test(upper)) return `0${upper}`;
  throw new InvalidNumeroUniqueError(`invalid department code "${code}"`);
}

/** The counter a sequence is drawn from: one per department and month of deposit. */
export function sequenceScope(department: string, depositDate: Date): string {
  return `${normalizeDepartment(department)} ${monthYear(depositDate)}`;
}

export function formatNumeroUnique(parts: NumeroUniqueParts): string {
  if (!Number.isInteger(parts.sequence) || parts.sequence < 1 || parts.sequence > MAX_SEQUENCE) {
    throw new InvalidNumeroUniqueError(`sequence ${parts.sequence} outside 1..${MAX_SEQUENCE}`);
  }
  if (!/^[0-9A-Z]{5}$/.test(parts.guichetCode)) {
    throw new InvalidNumeroUniqueError(`invalid guichet code "${parts.guichetCode}"`);
  }
  return `${sequenceScope(parts.department, parts.depositDate)} ${String(parts.sequence).padStart(6, '0')} ${parts.guichetCode}`;
}

/** Reads a number back; the deposit date is the first day of its month (UTC). */
export function parseNumeroUnique(numero: string): NumeroUniqueParts {
  const match = FORMAT.exec(numero.trim());
  if (!match) {
    throw new InvalidNumeroUniqueError(
      `"${numero}" is not a numéro unique (DDD MMYY NNNNNN GGGGG)`,
    );
  }
  const [, department, month, year, sequence, guichetCode] = match;
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) {
    throw new InvalidNumeroUniqueError(`"${numero}" has no month ${month}`);
  }
  return {
    department,
    depositDate: new Date(Date.UTC(2000 + Number(year), monthNumber - 1, 1)),
    sequence: Number(sequence),
    guichetCode,
  };
}

function monthYear(date: Date): string {
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const year = String(date.getUTCFullYear() % 100).padStart(2, '0');
  return `${month}${year}`;
}
