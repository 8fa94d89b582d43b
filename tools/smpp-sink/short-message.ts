import type { DecodedMessage, PDU } from 'smpp';
import type { SmppConcatenation, SmppReceiptStatus, SmppTextEncoding } from '../sink-common/types';

/**
 * Reading the user data of a submit_sm. The smpp package already decodes short_message and
 * message_payload: GSM 03.38 (with its extension table) for data_coding 0 and 1 (SMPP calls 1
 * IA5, but the package sends GSM texts with 1 itself), Latin-1 for 3, UCS-2 for 8, and splits off
 * the UDH when esm_class has the UDHI bit. It does so one PDU at a
 * time, so what straddles two segments (an escape septet, a surrogate pair) is mended here.
 */

export interface Segment {
  encoding: SmppTextEncoding;
  text: string;
  udh: string | null;
  concat: SmppConcatenation | null;
  payloadField: 'short_message' | 'message_payload';
}

const IEI_CONCAT_8BIT = 0x00;
const IEI_CONCAT_16BIT = 0x08;
const ESCAPE = '\x1B';

/** GSM 03.38 extension table: the character after the escape, as decoded by the basic table, to its meaning. */
const GSM_EXTENSION: Readonly<Record<string, string>> = {
  '\n': '\f',
  Λ: '^',
  '(': '{',
  ')': '}',
  '/': '\\',
  '<': '[',
  '=': '~',
  '>': ']',
  '¡': '|',
  e: '€',
};

export function readSegment(pdu: PDU): Segment {
  const inPayload = pdu.message_payload !== undefined && messageLength(pdu.short_message) === 0;
  const decoded: DecodedMessage = (inPayload ? pdu.message_payload : pdu.short_message) ?? {
    message: '',
  };
  const { encoding, text } = decodedText(decoded.message, pdu.data_coding ?? 0);
  const ies = decoded.udh ?? [];
  return {
    encoding,
    text,
    udh: ies.length === 0 ? null : udhHex(ies),
    concat: concatFromUdh(ies) ?? concatFromSar(pdu),
    payloadField: inPayload ? 'message_payload' : 'short_message',
  };
}

/** The text of a whole message from its segments, in order. */
export function assembleText(segments: readonly Pick<Segment, 'encoding' | 'text'>[]): string {
  const joined = segments.map((segment) => segment.text).join('');
  return segments[0]?.encoding === 'gsm7' ? resolveGsmEscapes(joined) : joined;
}

/**
 * An escape followed by a character of the extension table means that character; followed by
 * anything else it is ignored (GSM 03.38 says to show the basic character), as is a last escape.
 */
export function resolveGsmEscapes(text: string): string {
  let resolved = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (char !== ESCAPE) {
      resolved += char;
      continue;
    }
    index += 1;
    const next = text.charAt(index);
    resolved += GSM_EXTENSION[next] ?? next;
  }
  return resolved;
}

function decodedText(
  message: string | Buffer,
  dataCoding: number,
): { encoding: SmppTextEncoding; text: string } {
  if (typeof message !== 'string') return { encoding: 'binary', text: message.toString('hex') };
  switch (dataCoding & 0x0f) {
    case 3:
      return { encoding: 'latin1', text: message };
    case 8:
      return { encoding: 'ucs2', text: message };
    default:
      return { encoding: 'gsm7', text: message };
  }
}

function messageLength(decoded: DecodedMessage | undefined): number {
  return decoded === undefined ? 0 : decoded.message.length;
}

function udhHex(ies: readonly Buffer[]): string {
  const body = Buffer.concat(ies);
  return Buffer.concat([Buffer.from([body.length]), body]).toString('hex');
}

function concatFromUdh(ies: readonly Buffer[]): SmppConcatenation | null {
  for (const ie of ies) {
    if (ie[0] === IEI_CONCAT_8BIT && ie[1] === 3 && ie.length >= 5) {
      return valid({
        scheme: 'udh8',
        ref: ie.readUInt8(2),
        total: ie.readUInt8(3),
        seq: ie.readUInt8(4),
      });
    }
    if (ie[0] === IEI_CONCAT_16BIT && ie[1] === 4 && ie.length >= 6) {
      return valid({
        scheme: 'udh16',
        ref: ie.readUInt16BE(2),
        total: ie.readUInt8(4),
        seq: ie.readUInt8(5),
      });
    }
  }
  return null;
}

function concatFromSar(pdu: PDU): SmppConcatenation | null {
  const { sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: seq } = pdu;
  if (ref === undefined || total === undefined || seq === undefined) return null;
  return valid({ scheme: 'sar', ref, total, seq });
}

/** A header that cannot be honoured (no parts, part past the total) leaves the PDU standalone. */
function valid(concat: SmppConcatenation): SmppConcatenation | null {
  return concat.total >= 1 && concat.seq >= 1 && concat.seq <= concat.total ? concat : null;
}

export const MESSAGE_STATES: Readonly<Record<SmppReceiptStatus, number>> = {
  DELIVRD: 2,
  EXPIRED: 3,
  UNDELIV: 5,
  REJECTD: 8,
};

/** The de facto standard delivery receipt text (SMPP 3.4, appendix B). */
export function receiptText(receipt: {
  messageId: string;
  status: SmppReceiptStatus;
  submittedAt: Date;
  doneAt: Date;
  text: string;
}): string {
  const delivered = receipt.status === 'DELIVRD';
  return [
    `id:${receipt.messageId}`,
    'sub:001',
    `dlvr:${delivered ? '001' : '000'}`,
    `submit date:${receiptDate(receipt.submittedAt)}`,
    `done date:${receiptDate(receipt.doneAt)}`,
    `stat:${receipt.status}`,
    `err:${delivered ? '000' : '001'}`,
    `text:${[...receipt.text].slice(0, 20).join('')}`,
  ].join(' ');
}

/** YYMMDDhhmm, UTC. */
export function receiptDate(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}
