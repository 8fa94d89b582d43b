/**
 * The part of smpp@0.5.1 (no published types) used here. Field names are those of the SMPP
 * specification, as the package uses them.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** short_message / message_payload once decoded: `message` is a string when data_coding is 0, 1, 3 or 8. */
  export interface DecodedMessage {
    /** The information elements of the UDH, each as [IEI, length, ...data]. */
    udh?: Buffer[];
    message: string | Buffer;
  }

  /** A string is encoded GSM 03.38, Latin-1 or UCS-2 (data_coding chosen when left null). */
  export type MessageInput = string | Buffer | { udh?: Buffer; message: string | Buffer };

  export interface PduParams {
    system_id?: string;
    password?: string;
    system_type?: string;
    interface_version?: number;
    addr_ton?: number;
    addr_npi?: number;
    address_range?: string;
    service_type?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    protocol_id?: number;
    priority_flag?: number;
    registered_delivery?: number;
    replace_if_present_flag?: number;
    data_coding?: number | null;
    sm_default_msg_id?: number;
    message_id?: string;
    receipted_message_id?: string;
    message_state?: number;
    sar_msg_ref_num?: number;
    sar_total_segments?: number;
    sar_segment_seqnum?: number;
  }

  export interface PduOptions extends PduParams {
    command_status?: number;
    sequence_number?: number;
    short_message?: MessageInput;
    message_payload?: MessageInput;
  }

  export interface PDU extends PduParams {
    /** `unknown` for a command id the package does not know. */
    command: string;
    command_id: number;
    command_length: number;
    command_status: number;
    sequence_number: number;
    short_message?: DecodedMessage;
    message_payload?: DecodedMessage;
    isResponse(): boolean;
    response(options?: PduOptions): PDU;
  }

  export const PDU: new (command: string, options?: PduOptions) => PDU;

  export type PduCallback = (pdu: PDU) => void;

  export interface Session extends EventEmitter {
    readonly socket: Socket;
    send(pdu: PDU, responseCallback?: PduCallback, sendCallback?: PduCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    bind_transceiver(options: PduOptions, responseCallback?: PduCallback): boolean;
    bind_transmitter(options: PduOptions, responseCallback?: PduCallback): boolean;
    bind_receiver(options: PduOptions, responseCallback?: PduCallback): boolean;
    submit_sm(options: PduOptions, responseCallback?: PduCallback): boolean;
    deliver_sm(options: PduOptions, responseCallback?: PduCallback): boolean;
    enquire_link(options: PduOptions, responseCallback?: PduCallback): boolean;
    unbind(options: PduOptions, responseCallback?: PduCallback): boolean;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    /** 'pdu' for every PDU, then the name of its command (`submit_sm`, `deliver_sm`, ...). */
    on(event: string, listener: PduCallback): this;
    once(event: 'connect' | 'close', listener: () => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
    once(event: string, listener: PduCallback): this;
  }

  export type Server = NetServer & { readonly sessions: Session[] };

  export function createServer(
    options: Record<string, unknown>,
    sessionListener?: (session: Session) => void,
  ): Server;

  export function connect(
    options: { url: string; auto_enquire_link_period?: number },
    listener?: () => void,
  ): Session;

  export const gsmCoder: {
    encode(text: string, encoding: number): Buffer;
  };

  export const ESME_ROK: number;
  export const ESME_RINVBNDSTS: number;
  export const ESME_RINVCMDID: number;
  export const ESME_RALYBND: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RSUBMITFAIL: number;
  export const ESME_RSYSERR: number;
  export const ESME_RTHROTTLED: number;
}
