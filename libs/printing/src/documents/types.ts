/** Calendar dates (birth, deposit, renewal) are `Date` values read in UTC, as in @sne/domain. */

export interface PrintedApplicant {
  /** As printed: "Madame", "Monsieur"; left out for an association. */
  readonly civility?: string;
  readonly lastName: string;
  readonly firstNames: string;
  readonly birthDate?: Date;
  /** Postal address, one line per element. */
  readonly address?: readonly string[];
}

export interface PrintedGuichet {
  /** The guichet's 5-character code, the last block of the numéros it registers. */
  readonly code: string;
  readonly name: string;
  readonly department?: string;
  readonly address?: readonly string[];
}

export interface PrintOptions {
  /** The creation instant written into the PDF metadata; the same inputs give the same bytes. */
  readonly generatedAt: Date;
  /** Printed in the header; a setting of the register. */
  readonly portalUrl?: string;
}

export function applicantName(applicant: PrintedApplicant): string {
  return [applicant.civility, applicant.lastName.toUpperCase(), applicant.firstNames]
    .filter((part) => part !== undefined && part.length > 0)
    .join(' ');
}

export function guichetLabel(guichet: PrintedGuichet): string {
  return `${guichet.name} (${guichet.code})`;
}
