import { Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { concatenationHeader, planSms, toMsisdn, type SmsEncoding } from './sms-encoding';

/** The part of the `smpp` package (untyped) this sender uses. */
interface SmppPdu {
  command_status: number;
  message_id?: string;
  esm_class?: number;
  short_message?: { message?: string | Buffer } | Buffer | string;
  receipted_message_id?: string;
  message_state?: number;
  response(fields?: Record<string, unknown>): SmppPdu;
}
interface SmppSession extends EventEmitter {
  bind_transceiver(fields: Record<string, unknown>, callback: (pdu: SmppPdu) => void): void;
  submit_sm(fields: Record<string, unknown>, callback: (pdu: SmppPdu) => void): void;
  send(pdu: SmppPdu): void;
  unbind(callback?: () => void): void;
  close(): void;
}
interface SmppModule {
  connect(options: Record<string, unknown>, listener?: () => void): SmppSession;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const smpp = require('smpp') as SmppModule;

export interface SmsSettings {
  readonly url: string;
  readonly systemId: string;
  readonly password: string;
  /** Alphanumeric sender id shown on the phone (at most 11 characters). */
  readonly sender: string;
}

export interface SentSms {
  readonly messageIds: readonly string[];
  readonly encoding: SmsEncoding;
  readonly segments: number;
}

export interface DeliveryReceipt {
  readonly messageId: string;
  /** DELIVRD, UNDELIV, REJECTD, EXPIRED... as the SMS centre reports it. */
  readonly status: string;
  readonly text: string;
}

export class SmsError extends Error {
  constructor(
    message: string,
    readonly commandStatus?: number,
  ) {
    super(message);
    this.name = 'SmsError';
  }
}

const ESM_CLASS_DELIVERY_RECEIPT = 0x04;

/**
 * The one place that talks SMPP 3.4: a transceiver session, bound on first use and again after a
 * connection loss; long texts sent as concatenated segments; delivery receipts emitted as events.
 */
export class SmsSender {
  private readonly logger = new Logger(SmsSender.name);
  private readonly receipts = new EventEmitter();
  private session: Promise<SmppSession> | undefined;

  constructor(private readonly settings: SmsSettings) {}

  onDeliveryReceipt(listener: (receipt: DeliveryReceipt) => void): void {
    this.receipts.on('receipt', listener);
  }

  async send(phone: string, text: string): Promise<SentSms> {
    const destination = toMsisdn(phone);
    const plan = planSms(text);
    const session = await this.bound();
    const reference = randomInt(0, 256);
    const messageIds: string[] = [];
    for (const [index, segment] of plan.segments.entries()) {
      const message =
        plan.segments.length === 1
          ? segment
          : {
              udh: concatenationHeader(reference, plan.segments.length, index + 1),
              message: segment,
            };
      const pdu = await new Promise<SmppPdu>((resolve) =>
        session.submit_sm(
          {
            source_addr_ton: 5,
            source_addr_npi: 0,
            source_addr: this.settings.sender,
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            destination_addr: destination,
            data_coding: plan.dataCoding,
            registered_delivery: 1,
            short_message: message,
          },
          resolve,
        ),
      );
      if (pdu.command_status !== 0) {
        throw new SmsError(
          `submit_sm refused with status 0x${pdu.command_status.toString(16)}`,
          pdu.command_status,
        );
      }
      messageIds.push(String(pdu.message_id));
    }
    this.logger.log({
      msg: 'sms sent',
      messageIds,
      encoding: plan.encoding,
      segments: plan.segments.length,
    });
    return { messageIds, encoding: plan.encoding, segments: plan.segments.length };
  }

  /** Binds if needed: the readiness probe of the SMS centre. */
  async verify(): Promise<void> {
    await this.bound();
  }

  async close(): Promise<void> {
    const pending = this.session;
    this.session = undefined;
    if (!pending) return;
    const session = await pending.catch(() => undefined);
    session?.close();
  }

  private bound(): Promise<SmppSession> {
    this.session ??= this.bind().catch((error: unknown) => {
      this.session = undefined;
      throw error;
    });
    return this.session;
  }

  private bind(): Promise<SmppSession> {
    return new Promise((resolve, reject) => {
      const session = smpp.connect({
        url: this.settings.url,
        auto_enquire_link_period: 30_000,
        connectTimeout: 5_000,
      });
      const forget = () => {
        if (this.session) this.session = undefined;
      };
      session.once('error', (error: Error) => {
        forget();
        reject(new SmsError(`SMPP connection failed: ${error.message}`));
      });
      session.on('close', forget);
      session.on('deliver_sm', (pdu: SmppPdu) => this.onDeliverSm(session, pdu));
      session.once('connect', () => {
        session.bind_transceiver(
          { system_id: this.settings.systemId, password: this.settings.password },
          (pdu) => {
            if (pdu.command_status === 0) {
              session.on('error', (error: Error) =>
                this.logger.warn({ msg: 'smpp session error', reason: error.message }),
              );
              resolve(session);
            } else {
              session.close();
              reject(
                new SmsError(
                  `bind refused with status 0x${pdu.command_status.toString(16)}`,
                  pdu.command_status,
                ),
              );
            }
          },
        );
      });
    });
  }

  private onDeliverSm(session: SmppSession, pdu: SmppPdu): void {
    session.send(pdu.response());
    if (((pdu.esm_class ?? 0) & ESM_CLASS_DELIVERY_RECEIPT) === 0) return;
    const raw = pdu.short_message;
    const text =
      typeof raw === 'string'
        ? raw
        : Buffer.isBuffer(raw)
          ? raw.toString('latin1')
          : String(raw?.message ?? '');
    const id = pdu.receipted_message_id ?? /id:(\S+)/.exec(text)?.[1];
    const status = /stat:(\w+)/.exec(text)?.[1] ?? 'UNKNOWN';
    if (id)
      this.receipts.emit('receipt', { messageId: id, status, text } satisfies DeliveryReceipt);
  }
}
