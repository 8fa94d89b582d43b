import type { PersonApplicant, PersonIdentity } from './demand';
import { ISO_DATE_FORMAT } from './demand-input.schema';
import type { DecisionWith } from './demand-rules';
import { normalizeControlName } from './duplicate-key';
import type { IsoDate } from '../dates';

/**
 * The portal's demands: created by the applicant, numbered only once a guichet has checked the
 * applicant's identity document against the names and birth date entered (seed 003, "Valider une
 * demande saisie sur le portail grand public").
 */

/** Identity documents a guichet accepts (short codes of the classification plan, category IDD). */
export const IDENTITY_DOCUMENT_LABELS = {
  CID: "Carte nationale d'identité",
  PAS: 'Passeport',
  TS: 'Titre de séjour',
  RTS: 'Récépissé de demande de titre de séjour',
} as const;
export type IdentityDocumentType = keyof typeof IDENTITY_DOCUMENT_LABELS;
export const IDENTITY_DOCUMENT_TYPES = Object.keys(
  IDENTITY_DOCUMENT_LABELS,
) as IdentityDocumentType[];

/** Shown at the desk, or uploaded on the portal and checked in the demand's documents. */
export const IDENTITY_CHECK_MODES = ['in-person', 'uploaded-document'] as const;
export type IdentityCheckMode = (typeof IDENTITY_CHECK_MODES)[number];

/** What the guichet read on the document. */
export interface IdentityCheck {
  readonly document: IdentityDocumentType;
  readonly mode: IdentityCheckMode;
  readonly lastName: string;
  readonly firstName: string;
  readonly birthDate: IsoDate;
  /** End of validity printed on the document, when it has one. */
  readonly validUntil?: IsoDate;
}

/** The check as the demand keeps it. */
export type IdentityVerification = Omit<IdentityCheck, 'lastName' | 'firstName' | 'birthDate'> & {
  readonly checkedOn: IsoDate;
  readonly checkedBy: string;
};

const name = { type: 'string', minLength: 1, maxLength: 80 };
const date = { type: 'string', maxLength: 10, format: ISO_DATE_FORMAT };

/** Body of a validation: the identity check; the version comes in `If-Match`. */
export const portalValidationSchema = {
  $id: 'https://schemas.sne.example/portal-validation.json',
  type: 'object',
  additionalProperties: false,
  required: ['identity'],
  properties: {
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['document', 'mode', 'lastName', 'firstName', 'birthDate'],
      properties: {
        document: { enum: [...IDENTITY_DOCUMENT_TYPES] },
        mode: { enum: [...IDENTITY_CHECK_MODES] },
        lastName: name,
        firstName: name,
        birthDate: date,
        validUntil: date,
      },
    },
  },
} as const;

export type PortalRefusalCode = 'identity-mismatch' | 'identity-document-expired';

export interface PortalRefusal {
  readonly ok: false;
  readonly code: PortalRefusalCode;
  readonly message: string;
  readonly path: string;
}

const sameName = (a: string, b: string) =>
  normalizeControlName(a).replace(/ /g, '') === normalizeControlName(b).replace(/ /g, '');

/**
 * The identity document matches the demand: last name (or birth name), first name and birth date
 * compared as the duplicate check compares them, and the document still valid today.
 */
export function checkIdentity(
  applicant: PersonApplicant,
  check: IdentityCheck,
  today: IsoDate,
  checkedBy: string,
): DecisionWith<IdentityVerification> | PortalRefusal {
  const mismatch = (field: string, entered: string) => ({
    ok: false as const,
    code: 'identity-mismatch' as const,
    message: `the ${field} on the document differs from the demand's ("${entered}"): correct the demand or refuse it`,
    path: `/identity/${field}`,
  });
  if (
    !sameName(check.lastName, applicant.lastName) &&
    !(applicant.birthName && sameName(check.lastName, applicant.birthName))
  )
    return mismatch('lastName', applicant.lastName);
  if (!sameName(check.firstName, applicant.firstName))
    return mismatch('firstName', applicant.firstName);
  if (check.birthDate !== applicant.birthDate) return mismatch('birthDate', applicant.birthDate);
  if (check.validUntil !== undefined && check.validUntil < today) {
    return {
      ok: false,
      code: 'identity-document-expired',
      message: `the document expired on ${check.validUntil}`,
      path: '/identity/validUntil',
    };
  }
  return {
    ok: true,
    value: {
      document: check.document,
      mode: check.mode,
      ...(check.validUntil !== undefined ? { validUntil: check.validUntil } : {}),
      checkedOn: today,
      checkedBy,
    },
  };
}

/** The person is the applicant or the co-applicant of the couple's demand. */
export function isMemberOfCouple(
  couple: {
    readonly applicant: { readonly kind: string } & Partial<PersonIdentity>;
    readonly coApplicant?: PersonIdentity;
  },
  person: Pick<PersonIdentity, 'lastName' | 'firstName' | 'birthDate'> & {
    readonly birthName?: string;
  },
): boolean {
  const members: Array<Partial<PersonIdentity>> = [couple.coApplicant ?? {}];
  if (couple.applicant.kind === 'person') members.push(couple.applicant);
  return members.some(
    (member) =>
      member.birthDate === person.birthDate &&
      typeof member.firstName === 'string' &&
      sameName(member.firstName, person.firstName) &&
      [member.lastName, member.birthName].some(
        (theirs) =>
          typeof theirs === 'string' &&
          [person.lastName, person.birthName].some(
            (ours) => typeof ours === 'string' && sameName(theirs, ours),
          ),
      ),
  );
}
