import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  createServer,
  ESME_RALYBND,
  ESME_RBINDFAIL,
  ESME_RINVBNDSTS,
  ESME_RINVCMDID,
  ESME_ROK,
  ESME_RSUBMITFAIL,
  ESME_RSYSERR,
  ESME_RTHROTTLED,
  PDU,
  type PduOptions,
  type Server,
  type Session,
} from 'smpp';
import {
  HttpError,
  JsonHttpServer,
  type JsonReply,
  type JsonRequest,
} from '../sink-common/json-http';
import { JsonlStore } from '../sink-common/jsonl-store';
import { silentLogger, type SinkLogger } from '../sink-common/logger';
import { listen } from '../sink-common/net';
import {
  SMPP_RECEIPT_STATUSES,
  SMPP_SINK_MODES,
  type SmppReceiptStatus,
  type SmppSinkControl,
  type SmppSinkMessage,
  type SmppSinkPdu,
} from '../sink-common/types';
import { isRecord, parsePatch } from '../sink-common/validation';
import { assembleText, MESSAGE_STATES, readSegment, receiptText } from './short-message';

export interface SmppSinkOptions {
  host?: string;
  /** 0 picks a free port; read it back from `smppPort` once started. */
  smppPort?: number;
  apiPort?: number;
  /** When set, a bind with another system_id gets ESME_RBINDFAIL. */
  systemId?: string;
  /** When set, a bind with another password gets ESME_RBINDFAIL. */
  password?: string;
  /** Messages and PDUs are kept under `<runDir>/smpp-sink/` when set. */
  runDir?: string;
  logger?: SinkLogger;
}

type BindType = 'transmitter' | 'receiver' | 'transceiver';

interface Peer {
  readonly session: Session;
  bound: BindType | null;
  systemId: string;
}

interface PartialMessage {
  readonly parts: Map<number, SmppSinkPdu>;
  lastAt: number;
}

const SMSC_SYSTEM_ID = 'SNE_SMPP_SINK';
const ESM_CLASS_DELIVERY_RECEIPT = 0x04;
const MAX_RECEIPT_DELAY_MS = 600_000;
/** Segments of a concatenated message whose other parts never came are dropped after this. */
const PARTIAL_TTL_MS = 10 * 60_000;

const CONTROL_RULES = {
  mode: { kind: 'enum', values: SMPP_SINK_MODES },
  receiptStatus: { kind: 'enum', values: SMPP_RECEIPT_STATUSES },
  receiptDelayMs: { kind: 'integer', min: 0, max: MAX_RECEIPT_DELAY_MS },
} as const;

const INITIAL_CONTROL: SmppSinkControl = {
  mode: 'accept',
  receiptStatus: 'DELIVRD',
  receiptDelayMs: 50,
};

/**
 * A real SMPP 3.4 message centre that accepts every submit_sm, reassembles concatenated SMS,
 * sends delivery receipts and shows what it got over a JSON API, standing in for the SMS operator.
 */
export class SmppSink {
  private readonly host: string;
  private readonly logger: SinkLogger;
  private readonly messages: JsonlStore<SmppSinkMessage>;
  private readonly pdus: JsonlStore<SmppSinkPdu>;
  private readonly server: Server;
  private readonly api: JsonHttpServer;
  private readonly peers = new Set<Peer>();
  private readonly partials = new Map<string, PartialMessage>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Receipts for a system_id with no receiver bound yet, sent when one binds. */
  private pendingReceipts: { systemId: string; deliver: PduOptions }[] = [];
  private control: SmppSinkControl = { ...INITIAL_CONTROL };
  private ports: { smppPort: number; apiPort: number } | undefined;

  constructor(private readonly options: SmppSinkOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.logger = options.logger ?? silentLogger;
    const dir = options.runDir === undefined ? undefined : join(options.runDir, 'smpp-sink');
    const onWriteError = (error: unknown) => this.logger.error('store write failed', error);
    this.messages = new JsonlStore(
      dir === undefined ? undefined : join(dir, 'messages.jsonl'),
      isStoredMessage,
      onWriteError,
    );
    this.pdus = new JsonlStore(
      dir === undefined ? undefined : join(dir, 'pdus.jsonl'),
      isStoredPdu,
      onWriteError,
    );
    this.server = createServer({}, (session) => this.accept(session));
    this.server.on('error', (error) => this.logger.error('smpp error', error));
    this.api = new JsonHttpServer(
      [
        {
          method: 'GET',
          path: '/health',
          handler: () => ({ status: 200, body: { status: 'ok' } }),
        },
        { method: 'GET', path: '/messages', handler: (request) => this.listMessages(request) },
        { method: 'GET', path: '/messages/:id', handler: (request) => this.oneMessage(request) },
        { method: 'DELETE', path: '/messages', handler: () => this.clear() },
        { method: 'GET', path: '/pdus', handler: (request) => this.listPdus(request) },
        { method: 'GET', path: '/control', handler: () => ({ status: 200, body: this.control }) },
        { method: 'PUT', path: '/control', handler: (request) => this.updateControl(request) },
      ],
      (error) => this.logger.error('api error', error),
    );
  }

  get smppPort(): number {
    return this.started().smppPort;
  }

  get apiPort(): number {
    return this.started().apiPort;
  }

  get apiUrl(): string {
    return `http://${this.host}:${this.apiPort}`;
  }

  async start(): Promise<{ smppPort: number; apiPort: number }> {
    if (this.ports !== undefined) throw new Error('the SMPP sink is already started');
    await this.reload();
    const smppPort = await listen(this.server, this.options.smppPort ?? 2775, this.host);
    let apiPort: number;
    try {
      apiPort = await this.api.listen(this.options.apiPort ?? 8026, this.host);
    } catch (error) {
      await this.closeSmpp();
      throw error;
    }
    this.ports = { smppPort, apiPort };
    return this.ports;
  }

  async stop(): Promise<void> {
    if (this.ports === undefined) return;
    this.ports = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([this.closeSmpp(), this.api.close()]);
    await Promise.all([this.messages.flush(), this.pdus.flush()]);
  }

  private started(): { smppPort: number; apiPort: number } {
    if (this.ports === undefined) throw new Error('the SMPP sink is not started');
    return this.ports;
  }

  private closeSmpp(): Promise<void> {
    return new Promise((resolve) => {
      for (const peer of this.peers) peer.session.destroy();
      this.peers.clear();
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  /** Loads the stores and regroups the segments of messages still incomplete at the last stop. */
  private async reload(): Promise<void> {
    const [messages, pdus] = await Promise.all([this.messages.load(), this.pdus.load()]);
    if (messages.loaded + messages.skipped + pdus.loaded + pdus.skipped > 0) {
      this.logger.info('messages reloaded', { messages, pdus });
    }
    const assembled = new Set(this.messages.all().flatMap((message) => message.segmentIds));
    for (const pdu of this.pdus.all()) {
      if (pdu.messageId !== null && pdu.concat !== null && !assembled.has(pdu.messageId)) {
        this.collect(pdu);
      }
    }
  }

  private accept(session: Session): void {
    const peer: Peer = { session, bound: null, systemId: '' };
    this.peers.add(peer);
    session.on('pdu', (pdu) => {
      try {
        this.handle(peer, pdu);
      } catch (error) {
        // The package drops its read loop if a listener throws, hence the catch-all.
        this.logger.error('pdu handling failed', error, { command: pdu.command });
        if (!pdu.isResponse()) session.send(pdu.response({ command_status: ESME_RSYSERR }));
      }
    });
    session.on('error', (error) => {
      this.logger.info('session error', { systemId: peer.systemId, error: error.message });
      session.destroy();
    });
    session.on('close', () => this.peers.delete(peer));
  }

  private handle(peer: Peer, pdu: PDU): void {
    switch (pdu.command) {
      case 'bind_transceiver':
        return this.bind(peer, pdu, 'transceiver');
      case 'bind_transmitter':
        return this.bind(peer, pdu, 'transmitter');
      case 'bind_receiver':
        return this.bind(peer, pdu, 'receiver');
      case 'submit_sm':
        return this.submit(peer, pdu);
      case 'enquire_link':
        peer.session.send(pdu.response());
        return;
      case 'unbind':
        peer.bound = null;
        peer.session.send(pdu.response());
        peer.session.close();
        return;
      default:
        if (!pdu.isResponse()) {
          peer.session.send(
            new PDU('generic_nack', {
              command_status: ESME_RINVCMDID,
              sequence_number: pdu.sequence_number,
            }),
          );
        }
    }
  }

  private bind(peer: Peer, pdu: PDU, type: BindType): void {
    if (peer.bound !== null) {
      peer.session.send(pdu.response({ command_status: ESME_RALYBND }));
      return;
    }
    const systemId = pdu.system_id ?? '';
    const { systemId: expectedId, password: expectedPassword } = this.options;
    if (
      (expectedId !== undefined && systemId !== expectedId) ||
      (expectedPassword !== undefined && pdu.password !== expectedPassword)
    ) {
      this.logger.info('bind refused', { systemId, type });
      peer.session.send(pdu.response({ command_status: ESME_RBINDFAIL }));
      peer.session.close();
      return;
    }
    peer.bound = type;
    peer.systemId = systemId;
    peer.session.send(pdu.response({ system_id: SMSC_SYSTEM_ID }));
    if (type !== 'transmitter') this.flushPendingReceipts(systemId);
  }

  private submit(peer: Peer, pdu: PDU): void {
    if (peer.bound === null || peer.bound === 'receiver') {
      peer.session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
      return;
    }
    const commandStatus = STATUS_BY_MODE[this.control.mode];
    const messageId = commandStatus === ESME_ROK ? randomUUID() : null;
    const segment = readSegment(pdu);
    const submittedAt = new Date();
    const record: SmppSinkPdu = {
      messageId,
      commandStatus,
      receivedAt: submittedAt.toISOString(),
      systemId: peer.systemId,
      sequenceNumber: pdu.sequence_number,
      sourceAddr: pdu.source_addr ?? '',
      destinationAddr: pdu.destination_addr ?? '',
      esmClass: pdu.esm_class ?? 0,
      dataCoding: pdu.data_coding ?? 0,
      registeredDelivery: pdu.registered_delivery ?? 0,
      ...segment,
    };
    this.pdus.add(record);
    if (messageId === null) {
      peer.session.send(pdu.response({ command_status: commandStatus }));
      return;
    }
    peer.session.send(pdu.response({ message_id: messageId }));
    this.collect(record);
    const status = this.control.receiptStatus;
    if (wantsReceipt(record.registeredDelivery, status)) {
      this.scheduleReceipt(peer, {
        source_addr_ton: pdu.dest_addr_ton ?? 0,
        source_addr_npi: pdu.dest_addr_npi ?? 0,
        source_addr: record.destinationAddr,
        dest_addr_ton: pdu.source_addr_ton ?? 0,
        dest_addr_npi: pdu.source_addr_npi ?? 0,
        destination_addr: record.sourceAddr,
        esm_class: ESM_CLASS_DELIVERY_RECEIPT,
        receipted_message_id: messageId,
        message_state: MESSAGE_STATES[status],
        short_message: receiptText({
          messageId,
          status,
          submittedAt,
          doneAt: new Date(submittedAt.getTime() + this.control.receiptDelayMs),
          text: assembleText([segment]),
        }),
      });
    }
  }

  /** Files a segment; stores and returns the whole message once every part is in. */
  private collect(pdu: SmppSinkPdu): SmppSinkMessage | undefined {
    const { concat } = pdu;
    if (concat === null || concat.total === 1) return this.complete([pdu]);
    const now = Date.now();
    for (const [key, partial] of this.partials) {
      if (now - partial.lastAt > PARTIAL_TTL_MS) this.partials.delete(key);
    }
    const key = [
      pdu.systemId,
      pdu.sourceAddr,
      pdu.destinationAddr,
      concat.scheme,
      concat.ref,
      concat.total,
    ].join('\u0000');
    const partial = this.partials.get(key) ?? {
      parts: new Map<number, SmppSinkPdu>(),
      lastAt: now,
    };
    partial.parts.set(concat.seq, pdu);
    partial.lastAt = now;
    this.partials.set(key, partial);
    if (partial.parts.size < concat.total) return undefined;
    this.partials.delete(key);
    const parts = [...partial.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
    return this.complete(parts);
  }

  private complete(parts: readonly SmppSinkPdu[]): SmppSinkMessage | undefined {
    const [first] = parts;
    const last = parts.at(-1);
    if (first === undefined || last === undefined) return undefined;
    const message: SmppSinkMessage = {
      id: first.messageId ?? '',
      segmentIds: parts.map((part) => part.messageId ?? ''),
      receivedAt: last.receivedAt,
      systemId: first.systemId,
      sourceAddr: first.sourceAddr,
      destinationAddr: first.destinationAddr,
      dataCoding: first.dataCoding,
      encoding: first.encoding,
      text: assembleText(parts),
      segments: parts.length,
      registeredDelivery: first.registeredDelivery,
    };
    this.messages.add(message);
    this.logger.info('message received', { ...message });
    return message;
  }

  private scheduleReceipt(origin: Peer, deliver: PduOptions): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.sendReceipt(origin.systemId, deliver, origin);
    }, this.control.receiptDelayMs);
    this.timers.add(timer);
  }

  /** To the submitting session if it is a transceiver, else to a receiver of the same system_id. */
  private sendReceipt(systemId: string, deliver: PduOptions, origin?: Peer): void {
    const target =
      origin !== undefined && origin.bound === 'transceiver' && this.peers.has(origin)
        ? origin
        : [...this.peers].find(
            (peer) =>
              peer.systemId === systemId &&
              (peer.bound === 'receiver' || peer.bound === 'transceiver'),
          );
    const sent =
      target?.session.deliver_sm({ ...deliver }, (response) => {
        if (response.command_status !== ESME_ROK) {
          this.logger.info('receipt refused', {
            messageId: deliver.receipted_message_id,
            commandStatus: response.command_status,
          });
        }
      }) ?? false;
    if (!sent) {
      this.pendingReceipts.push({ systemId, deliver });
      return;
    }
    this.logger.info('receipt sent', {
      messageId: deliver.receipted_message_id,
      systemId,
      messageState: deliver.message_state,
    });
  }

  private flushPendingReceipts(systemId: string): void {
    const due = this.pendingReceipts.filter((pending) => pending.systemId === systemId);
    if (due.length === 0) return;
    this.pendingReceipts = this.pendingReceipts.filter((pending) => pending.systemId !== systemId);
    for (const pending of due) this.sendReceipt(systemId, pending.deliver);
  }

  private listMessages(request: JsonRequest): JsonReply {
    const to = request.query.get('to');
    const messages = this.messages
      .all()
      .filter((message) => to === null || message.destinationAddr === to);
    return { status: 200, body: { messages } };
  }

  private oneMessage(request: JsonRequest): JsonReply {
    const id = request.params.id ?? '';
    const message = this.messages
      .all()
      .find((candidate) => candidate.id === id || candidate.segmentIds.includes(id));
    if (message === undefined) throw new HttpError(404, 'message not found');
    return { status: 200, body: message };
  }

  private listPdus(request: JsonRequest): JsonReply {
    const to = request.query.get('to');
    const pdus = this.pdus.all().filter((pdu) => to === null || pdu.destinationAddr === to);
    return { status: 200, body: { pdus } };
  }

  private async clear(): Promise<JsonReply> {
    this.partials.clear();
    await Promise.all([this.messages.clear(), this.pdus.clear()]);
    return { status: 204 };
  }

  private updateControl(request: JsonRequest): JsonReply {
    const patch = parsePatch(request.body, CONTROL_RULES);
    if (!patch.ok) throw new HttpError(400, 'invalid control', patch.details);
    this.control = { ...this.control, ...patch.value };
    this.logger.info('control changed', { control: this.control });
    return { status: 200, body: this.control };
  }
}

const STATUS_BY_MODE: Readonly<Record<SmppSinkControl['mode'], number>> = {
  accept: ESME_ROK,
  reject: ESME_RSUBMITFAIL,
  throttle: ESME_RTHROTTLED,
};

/** registered_delivery bits 0-1: 01 any outcome, 10 failure only, 11 success only (SMPP 5.0). */
function wantsReceipt(registeredDelivery: number, status: SmppReceiptStatus): boolean {
  switch (registeredDelivery & 0x03) {
    case 1:
      return true;
    case 2:
      return status !== 'DELIVRD';
    case 3:
      return status === 'DELIVRD';
    default:
      return false;
  }
}

function isStoredMessage(value: unknown): value is SmppSinkMessage {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    Array.isArray(value.segmentIds) &&
    typeof value.destinationAddr === 'string' &&
    typeof value.text === 'string'
  );
}

function isStoredPdu(value: unknown): value is SmppSinkPdu {
  return (
    isRecord(value) &&
    (typeof value.messageId === 'string' || value.messageId === null) &&
    typeof value.destinationAddr === 'string' &&
    typeof value.text === 'string' &&
    (value.concat === null || isRecord(value.concat))
  );
}
