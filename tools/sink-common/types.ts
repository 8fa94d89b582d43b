/**
 * What the SMTP and SMPP sinks record and how they are steered, as served by their HTTP APIs.
 * The single definition: the sinks and the typed clients of libs/testing both import it.
 */

export interface SinkHealth {
  status: 'ok';
}

export const SMTP_SINK_MODES = ['accept', 'reject', 'tempfail'] as const;
export type SmtpSinkMode = (typeof SMTP_SINK_MODES)[number];

export interface SmtpSinkControl {
  /** `reject` answers 550 to RCPT TO and DATA, `tempfail` answers 451. */
  mode: SmtpSinkMode;
  /** Pause before the reply to the end of DATA. */
  delayMs: number;
}

export interface SmtpSinkAttachment {
  filename: string | null;
  contentType: string;
  size: number;
}

export interface SmtpSinkMessage {
  id: string;
  receivedAt: string;
  envelope: { from: string; to: string[] };
  /** The Message-ID header. */
  messageId: string | null;
  /** The From header as text, e.g. `SNE <no-reply@example.org>`. */
  from: string;
  /** Addresses of the To header. */
  to: string[];
  /** Addresses of the Cc header. */
  cc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** Decoded header values by lower-case name; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  attachments: SmtpSinkAttachment[];
  /** Size of the message as received, in bytes. */
  size: number;
}

export interface SmtpSinkMessageFilter {
  /** Case-insensitive substring of any recipient (envelope, To or Cc). */
  to?: string;
  /** Case-insensitive substring of the subject. */
  subject?: string;
}

export const SMPP_SINK_MODES = ['accept', 'reject', 'throttle'] as const;
export type SmppSinkMode = (typeof SMPP_SINK_MODES)[number];

export const SMPP_RECEIPT_STATUSES = ['DELIVRD', 'UNDELIV', 'REJECTD', 'EXPIRED'] as const;
export type SmppReceiptStatus = (typeof SMPP_RECEIPT_STATUSES)[number];

export interface SmppSinkControl {
  /** `reject` answers submit_sm with ESME_RSUBMITFAIL (0x45), `throttle` with ESME_RTHROTTLED (0x58). */
  mode: SmppSinkMode;
  receiptStatus: SmppReceiptStatus;
  receiptDelayMs: number;
}

/** `binary` texts are the octets in hexadecimal. */
export type SmppTextEncoding = 'gsm7' | 'latin1' | 'ucs2' | 'binary';

export interface SmppConcatenation {
  /** `udh8`: UDH IEI 0x00, `udh16`: UDH IEI 0x08, `sar`: the sar_* TLVs. */
  scheme: 'udh8' | 'udh16' | 'sar';
  ref: number;
  total: number;
  seq: number;
}

/** One submit_sm as received, answered or refused. */
export interface SmppSinkPdu {
  /** null when the submit_sm was refused. */
  messageId: string | null;
  commandStatus: number;
  receivedAt: string;
  systemId: string;
  sequenceNumber: number;
  sourceAddr: string;
  destinationAddr: string;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  encoding: SmppTextEncoding;
  /** Text of this segment alone. */
  text: string;
  /** The user data header in hexadecimal, length octet included. */
  udh: string | null;
  concat: SmppConcatenation | null;
  payloadField: 'short_message' | 'message_payload';
}

/** A whole SMS: one submit_sm, or every segment of a concatenated one. */
export interface SmppSinkMessage {
  /** message_id of the first segment. */
  id: string;
  /** message_id of every segment, in segment order. */
  segmentIds: string[];
  /** When the last segment arrived. */
  receivedAt: string;
  systemId: string;
  sourceAddr: string;
  destinationAddr: string;
  dataCoding: number;
  encoding: SmppTextEncoding;
  text: string;
  segments: number;
  registeredDelivery: number;
}

export interface SmppSinkMessageFilter {
  /** Exact destination_addr. */
  to?: string;
}
