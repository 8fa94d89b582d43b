/**
 * What the QR codes of the register's printed documents carry: a short, versioned text whose
 * last field is an Ed25519 signature (base64url) over everything before it, so anyone holding the
 * register's public key can check a certificate, a summary sheet or a transmittal slip offline.
 *
 *   SNE1|ATT|057 1215 073903 10691|2015-12-03|<signature>
 *
 * No personal data goes into a code: the numéro unique and the dates are enough to find and
 * check the demand. Calendar dates are `Date` values read in UTC, as in @sne/domain.
 */
import { KeyObject, sign, verify } from 'node:crypto';
import { formatNumeroUnique, normalizeDepartment, parseNumeroUnique } from '@sne/domain';

export const QR_PAYLOAD_VERSION = 'SNE1';

export interface RegistrationCertificatePayload {
  readonly kind: 'registration-certificate';
  readonly numeroUnique: string;
  readonly depositDate: Date;
}

export interface RenewalCertificatePayload {
  readonly kind: 'renewal-certificate';
  readonly numeroUnique: string;
  readonly renewalDate: Date;
  /** The demand must be renewed again before this date. */
  readonly validUntil: Date;
}

/** The fiche récapitulative that separates one demand's pieces from the next in a scanned batch. */
export interface SummarySheetPayload {
  readonly kind: 'summary-sheet';
  readonly numeroUnique: string;
  readonly filledOn: Date;
  readonly documentCount: number;
  /** Pages of the demand's pieces, this sheet included. */
  readonly pageCount: number;
}

/** The bordereau d'envoi: one per envelope or uploaded batch. */
export interface TransmittalSlipPayload {
  readonly kind: 'transmittal-slip';
  readonly guichetCode: string;
  readonly department: string;
  readonly batchId: string;
  readonly sentOn: Date;
  readonly demandCount: number;
  /** Every page of the batch, summary sheets and slip included. */
  readonly pageCount: number;
}

export type QrPayload =
  | RegistrationCertificatePayload
  | RenewalCertificatePayload
  | SummarySheetPayload
  | TransmittalSlipPayload;

export type QrPayloadKind = QrPayload['kind'];

export type QrPayloadErrorCode = 'malformed' | 'bad-signature' | 'unknown-kind' | 'bad-numero';

export interface QrPayloadError {
  readonly code: QrPayloadErrorCode;
  readonly message: string;
}

export type QrParseResult =
  | { readonly ok: true; readonly payload: QrPayload }
  | { readonly ok: false; readonly error: QrPayloadError };

/** Thrown by the encoder only: a payload the register should never have tried to print. */
export class InvalidQrPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQrPayloadError';
  }
}

const KIND_CODES: Record<QrPayloadKind, string> = {
  'registration-certificate': 'ATT',
  'renewal-certificate': 'REN',
  'summary-sheet': 'FIC',
  'transmittal-slip': 'BOR',
};
const KINDS_BY_CODE = new Map(
  Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as QrPayloadKind]),
);
/** Fields between the kind code and the signature. */
const FIELD_COUNTS: Record<QrPayloadKind, number> = {
  'registration-certificate': 2,
  'renewal-certificate': 3,
  'summary-sheet': 4,
  'transmittal-slip': 6,
};

const SEPARATOR = '|';
/** Far above the longest valid payload (~170 characters); refuses junk before splitting it. */
const MAX_LENGTH = 512;
const MAX_COUNT = 99_999;
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const GUICHET_CODE = /^[0-9A-Z]{5}$/;
const BATCH_ID = /^[A-Za-z0-9._-]{1,40}$/;
const COUNT = /^(0|[1-9][0-9]{0,4})$/;

export function encodeQrPayload(payload: QrPayload, signingKey: KeyObject): string {
  requireEd25519(signingKey, 'private');
  const body = [QR_PAYLOAD_VERSION, KIND_CODES[payload.kind], ...bodyFields(payload)].join(
    SEPARATOR,
  );
  const signature = sign(null, Buffer.from(body, 'utf8'), signingKey).toString('base64url');
  return `${body}${SEPARATOR}${signature}`;
}

/**
 * Reads a scanned code. Several public keys may be given while the register rotates its key;
 * the code is accepted when one of them verifies it.
 */
export function parseQrPayload(
  text: string,
  publicKey: KeyObject | readonly KeyObject[],
): QrParseResult {
  const keys: readonly KeyObject[] = publicKey instanceof KeyObject ? [publicKey] : publicKey;
  if (keys.length === 0) throw new TypeError('parseQrPayload needs at least one public key');
  for (const key of keys) requireEd25519(key, 'public');

  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_LENGTH) {
    return failure('malformed', `payload length ${trimmed.length} outside 1..${MAX_LENGTH}`);
  }
  const fields = trimmed.split(SEPARATOR);
  const [version, kindCode] = fields;
  if (version !== QR_PAYLOAD_VERSION) {
    return failure('malformed', `not a ${QR_PAYLOAD_VERSION} payload`);
  }
  const kind = kindCode === undefined ? undefined : KINDS_BY_CODE.get(kindCode);
  if (kind === undefined) return failure('unknown-kind', `unknown document kind "${kindCode}"`);
  const expected = FIELD_COUNTS[kind] + 3;
  if (fields.length !== expected) {
    return failure('malformed', `${kindCode} has ${fields.length} fields, expected ${expected}`);
  }
  const signature = fields[fields.length - 1] ?? '';
  const signatureBytes = Buffer.from(signature, 'base64url');
  // The last of 86 characters holds 2 spare bits the decoder ignores: one signature, one spelling.
  if (!SIGNATURE.test(signature) || signatureBytes.toString('base64url') !== signature) {
    return failure('malformed', 'signature is not 64 bytes in canonical base64url');
  }

  let payload: QrPayload;
  try {
    payload = readBody(kind, fields.slice(2, -1));
  } catch (error) {
    if (error instanceof FieldError) return failure(error.code, error.message);
    throw error;
  }

  const body = Buffer.from(fields.slice(0, -1).join(SEPARATOR), 'utf8');
  if (!keys.some((key) => verify(null, body, key, signatureBytes))) {
    return failure('bad-signature', 'the signature does not match the register key');
  }
  return { ok: true, payload };
}

function bodyFields(payload: QrPayload): string[] {
  switch (payload.kind) {
    case 'registration-certificate':
      return [encodeNumero(payload.numeroUnique), encodeDate(payload.depositDate)];
    case 'renewal-certificate':
      return [
        encodeNumero(payload.numeroUnique),
        encodeDate(payload.renewalDate),
        encodeDate(payload.validUntil),
      ];
    case 'summary-sheet':
      return [
        encodeNumero(payload.numeroUnique),
        encodeDate(payload.filledOn),
        encodeCount(payload.documentCount, 'documentCount'),
        encodeCount(payload.pageCount, 'pageCount'),
      ];
    case 'transmittal-slip':
      if (!GUICHET_CODE.test(payload.guichetCode)) {
        throw new InvalidQrPayloadError(`invalid guichet code "${payload.guichetCode}"`);
      }
      if (!BATCH_ID.test(payload.batchId)) {
        throw new InvalidQrPayloadError(`invalid batch id "${payload.batchId}"`);
      }
      return [
        payload.guichetCode,
        encodeDepartment(payload.department),
        payload.batchId,
        encodeDate(payload.sentOn),
        encodeCount(payload.demandCount, 'demandCount'),
        encodeCount(payload.pageCount, 'pageCount'),
      ];
  }
}

function readBody(kind: QrPayloadKind, fields: string[]): QrPayload {
  const field = (index: number): string => fields[index] ?? '';
  switch (kind) {
    case 'registration-certificate':
      return { kind, numeroUnique: readNumero(field(0)), depositDate: readDate(field(1)) };
    case 'renewal-certificate':
      return {
        kind,
        numeroUnique: readNumero(field(0)),
        renewalDate: readDate(field(1)),
        validUntil: readDate(field(2)),
      };
    case 'summary-sheet':
      return {
        kind,
        numeroUnique: readNumero(field(0)),
        filledOn: readDate(field(1)),
        documentCount: readCount(field(2)),
        pageCount: readCount(field(3)),
      };
    case 'transmittal-slip':
      if (!GUICHET_CODE.test(field(0))) throw new FieldError('malformed', 'invalid guichet code');
      if (!isCanonicalDepartment(field(1))) throw new FieldError('malformed', 'invalid department');
      if (!BATCH_ID.test(field(2))) throw new FieldError('malformed', 'invalid batch id');
      return {
        kind,
        guichetCode: field(0),
        department: field(1),
        batchId: field(2),
        sentOn: readDate(field(3)),
        demandCount: readCount(field(4)),
        pageCount: readCount(field(5)),
      };
  }
}

class FieldError extends Error {
  constructor(
    readonly code: QrPayloadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Only the canonical spelling is signed or accepted, so one number has one payload. */
function canonicalNumero(numero: string): string | undefined {
  try {
    const canonical = formatNumeroUnique(parseNumeroUnique(numero));
    return canonical === numero ? canonical : undefined;
  } catch {
    return undefined;
  }
}

function encodeNumero(numero: string): string {
  const canonical = canonicalNumero(numero);
  if (canonical === undefined)
    throw new InvalidQrPayloadError(`"${numero}" is not a numéro unique`);
  return canonical;
}

function readNumero(text: string): string {
  const canonical = canonicalNumero(text);
  if (canonical === undefined)
    throw new FieldError('bad-numero', `"${text}" is not a numéro unique`);
  return canonical;
}

function encodeDepartment(department: string): string {
  try {
    return normalizeDepartment(department);
  } catch {
    throw new InvalidQrPayloadError(`invalid department "${department}"`);
  }
}

function isCanonicalDepartment(text: string): boolean {
  try {
    return normalizeDepartment(text) === text;
  } catch {
    return false;
  }
}

function encodeDate(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new InvalidQrPayloadError('invalid date');
  const year = date.getUTCFullYear();
  if (year < 1900 || year > 9999) throw new InvalidQrPayloadError(`year ${year} out of range`);
  return date.toISOString().slice(0, 10);
}

function readDate(text: string): Date {
  const match = ISO_DATE.exec(text);
  if (match) {
    const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC rolls 2015-02-30 over to March; a real calendar date reads back the same.
    if (date.toISOString().slice(0, 10) === text && year >= 1900) return date;
  }
  throw new FieldError('malformed', `"${text}" is not a date (YYYY-MM-DD)`);
}

function encodeCount(count: number, name: string): string {
  if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
    throw new InvalidQrPayloadError(`${name} ${count} outside 0..${MAX_COUNT}`);
  }
  return String(count);
}

function readCount(text: string): number {
  if (!COUNT.test(text)) throw new FieldError('malformed', `"${text}" is not a count`);
  return Number(text);
}

function requireEd25519(key: KeyObject, type: 'private' | 'public'): void {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `expected an Ed25519 ${type} key, got ${key.asymmetricKeyType} ${key.type}`,
    );
  }
}

function failure(code: QrPayloadErrorCode, message: string): QrParseResult {
  return { ok: false, error: { code, message } };
}
