/**
 * How an SMS text travels: GSM 03.38 7-bit when every character is in the GSM alphabet (160
 * characters a message, 153 a segment once concatenated), else UCS-2 (70, and 67 a segment).
 * Characters of the GSM extension table (€, [, ], {, }, ^, ~, |, \, form feed) take two septets.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsPlan {
  readonly encoding: SmsEncoding;
  /** SMPP data_coding: 0 (SMSC default alphabet, GSM 03.38) or 8 (UCS-2). */
  readonly dataCoding: 0 | 8;
  /** One text per message part, in order; one element when no concatenation is needed. */
  readonly segments: readonly string[];
}

const LIMITS = {
  gsm7: { single: 160, segment: 153 },
  ucs2: { single: 70, segment: 67 },
} as const;

export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (!basic.has(char) && !extension.has(char)) return false;
  }
  return true;
}

/** Septets for GSM 7-bit, UTF-16 code units for UCS-2. */
function unitsOf(char: string, encoding: SmsEncoding): number {
  if (encoding === 'gsm7') return extension.has(char) ? 2 : 1;
  return char.length;
}

export function planSms(text: string): SmsPlan {
  if (text.length === 0) {
    throw new Error('an SMS needs a text');
  }
  const encoding: SmsEncoding = isGsm7(text) ? 'gsm7' : 'ucs2';
  const chars = [...text];
  const total = chars.reduce((sum, char) => sum + unitsOf(char, encoding), 0);
  const limits = LIMITS[encoding];
  const dataCoding = encoding === 'gsm7' ? 0 : 8;
  if (total <= limits.single) {
    return { encoding, dataCoding, segments: [text] };
  }
  // Iterating by code point keeps an escape pair or a surrogate pair inside one segment.
  const segments: string[] = [];
  let current = '';
  let used = 0;
  for (const char of chars) {
    const units = unitsOf(char, encoding);
    if (used + units > limits.segment) {
      segments.push(current);
      current = '';
      used = 0;
    }
    current += char;
    used += units;
  }
  segments.push(current);
  if (segments.length > 255) {
    throw new Error(`SMS too long: ${segments.length} segments (255 at most)`);
  }
  return { encoding, dataCoding, segments };
}

/** The 6-byte concatenation header (IEI 0x00, 8-bit reference) of segment `index` (1-based). */
export function concatenationHeader(reference: number, total: number, index: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, index]);
}

/**
 * A French or international phone number as an MSISDN (digits only, country code first):
 * `06 12 34 56 78` and `+33 6 12 34 56 78` both give `33612345678`.
 */
export function toMsisdn(phone: string): string {
  const compact = phone.replace(/[\s.\-()]/g, '');
  if (/^0[1-9]\d{8}$/.test(compact)) return `33${compact.slice(1)}`;
  if (/^\+\d{8,15}$/.test(compact)) return compact.slice(1);
  if (/^00\d{8,15}$/.test(compact)) return compact.slice(2);
  throw new Error(`not a phone number: "${phone}"`);
}
