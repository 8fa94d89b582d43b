import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerDataStream,
  type SMTPServerError,
  type SMTPServerSession,
} from 'smtp-server';
import {
  HttpError,
  JsonHttpServer,
  type JsonRequest,
  type JsonReply,
} from '../sink-common/json-http';
import { JsonlStore } from '../sink-common/jsonl-store';
import { silentLogger, type SinkLogger } from '../sink-common/logger';
import { delay, listen } from '../sink-common/net';
import { isRecord, parsePatch } from '../sink-common/validation';
import {
  SMTP_SINK_MODES,
  type SmtpSinkControl,
  type SmtpSinkMessage,
  type SmtpSinkMessageFilter,
} from '../sink-common/types';

export interface SmtpSinkOptions {
  host?: string;
  /** 0 picks a free port; read it back from `smtpPort` once started. */
  smtpPort?: number;
  apiPort?: number;
  /** Messages are kept in `<runDir>/smtp-sink/messages.jsonl` when set. */
  runDir?: string;
  /** Larger messages are refused with 552; 25 MB by default. */
  maxMessageBytes?: number;
  logger?: SinkLogger;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
const MAX_DELAY_MS = 300_000;

const CONTROL_RULES = {
  mode: { kind: 'enum', values: SMTP_SINK_MODES },
  delayMs: { kind: 'integer', min: 0, max: MAX_DELAY_MS },
} as const;

const INITIAL_CONTROL: SmtpSinkControl = { mode: 'accept', delayMs: 0 };

/**
 * A real SMTP server that keeps every message it accepts and shows them over a JSON API, standing
 * in for the mail relay in local runs and tests.
 */
export class SmtpSink {
  private readonly host: string;
  private readonly logger: SinkLogger;
  private readonly maxMessageBytes: number;
  private readonly store: JsonlStore<SmtpSinkMessage>;
  private readonly smtp: SMTPServer;
  private readonly api: JsonHttpServer;
  private control: SmtpSinkControl = { ...INITIAL_CONTROL };
  private ports: { smtpPort: number; apiPort: number } | undefined;

  constructor(private readonly options: SmtpSinkOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.logger = options.logger ?? silentLogger;
    this.maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    const file =
      options.runDir === undefined
        ? undefined
        : join(options.runDir, 'smtp-sink', 'messages.jsonl');
    this.store = new JsonlStore(file, isStoredMessage, (error) =>
      this.logger.error('store write failed', error),
    );
    this.smtp = new SMTPServer({
      banner: 'SNE SMTP sink',
      logger: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: this.maxMessageBytes,
      closeTimeout: 1_000,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? '' }),
      onRcptTo: (_address, _session, callback) => callback(this.refusal()),
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    this.smtp.on('error', (error) => this.logger.error('smtp error', error));
    this.api = new JsonHttpServer(
      [
        {
          method: 'GET',
          path: '/health',
          handler: () => ({ status: 200, body: { status: 'ok' } }),
        },
        { method: 'GET', path: '/messages', handler: (request) => this.list(request) },
        { method: 'GET', path: '/messages/:id', handler: (request) => this.one(request) },
        { method: 'DELETE', path: '/messages', handler: () => this.clear() },
        { method: 'GET', path: '/control', handler: () => ({ status: 200, body: this.control }) },
        { method: 'PUT', path: '/control', handler: (request) => this.updateControl(request) },
      ],
      (error) => this.logger.error('api error', error),
    );
  }

  get smtpPort(): number {
    return this.started().smtpPort;
  }

  get apiPort(): number {
    return this.started().apiPort;
  }

  get apiUrl(): string {
    return `http://${this.host}:${this.apiPort}`;
  }

  async start(): Promise<{ smtpPort: number; apiPort: number }> {
    if (this.ports !== undefined) throw new Error('the SMTP sink is already started');
    const { loaded, skipped } = await this.store.load();
    if (loaded + skipped > 0) this.logger.info('messages reloaded', { loaded, skipped });
    const smtpPort = await listen(this.smtp.server, this.options.smtpPort ?? 2525, this.host);
    let apiPort: number;
    try {
      apiPort = await this.api.listen(this.options.apiPort ?? 8025, this.host);
    } catch (error) {
      await this.closeSmtp();
      throw error;
    }
    this.ports = { smtpPort, apiPort };
    return this.ports;
  }

  async stop(): Promise<void> {
    if (this.ports === undefined) return;
    this.ports = undefined;
    await Promise.all([this.closeSmtp(), this.api.close()]);
    await this.store.flush();
  }

  private started(): { smtpPort: number; apiPort: number } {
    if (this.ports === undefined) throw new Error('the SMTP sink is not started');
    return this.ports;
  }

  private closeSmtp(): Promise<void> {
    return new Promise((resolve) => this.smtp.close(() => resolve()));
  }

  private refusal(): SMTPServerError | null {
    switch (this.control.mode) {
      case 'accept':
        return null;
      case 'reject':
        return smtpError(550, 'Mailbox unavailable (smtp-sink reject mode)');
      case 'tempfail':
        return smtpError(451, 'Try again later (smtp-sink tempfail mode)');
    }
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const raw = await readUpTo(stream, this.maxMessageBytes);
    if (stream.sizeExceeded) {
      throw smtpError(552, `Message exceeds the maximum size of ${this.maxMessageBytes} bytes`);
    }
    await delay(this.control.delayMs);
    const refusal = this.refusal();
    if (refusal !== null) throw refusal;
    const parsed = await simpleParser(raw, { keepCidLinks: true });
    const message = toMessage(parsed, session, raw.length);
    this.store.add(message);
    this.logger.info('message received', {
      id: message.id,
      envelope: message.envelope,
      subject: message.subject,
      size: message.size,
      attachments: message.attachments.length,
    });
  }

  private list(request: JsonRequest): JsonReply {
    const filter: SmtpSinkMessageFilter = {
      to: request.query.get('to') ?? undefined,
      subject: request.query.get('subject') ?? undefined,
    };
    return { status: 200, body: { messages: this.store.all().filter(matches(filter)) } };
  }

  private one(request: JsonRequest): JsonReply {
    const message = this.store.all().find((candidate) => candidate.id === request.params.id);
    if (message === undefined) throw new HttpError(404, 'message not found');
    return { status: 200, body: message };
  }

  private async clear(): Promise<JsonReply> {
    await this.store.clear();
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

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/** Drains the whole stream (the server expects it) but keeps only the first `limit` bytes. */
async function readUpTo(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk) || kept >= limit) continue;
    chunks.push(chunk);
    kept += chunk.length;
  }
  return Buffer.concat(chunks);
}

function toMessage(parsed: ParsedMail, session: SMTPServerSession, size: number): SmtpSinkMessage {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    id: randomUUID(),
    receivedAt: new Date().toISOString(),
    envelope: {
      from: mailFrom === false ? '' : mailFrom.address,
      to: rcptTo.map((recipient) => recipient.address),
    },
    messageId: parsed.messageId ?? null,
    from: parsed.from?.text ?? '',
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    headers: Object.fromEntries(
      [...parsed.headers].map(([name, value]) => [name, headerText(value)]),
    ),
    attachments: parsed.attachments.map((attachment) => ({
      filename: attachment.filename ?? null,
      contentType: attachment.contentType,
      size: attachment.size,
    })),
    size,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flatten = (entry: EmailAddress): string[] => [
    ...(entry.address ? [entry.address] : []),
    ...(entry.group ?? []).flatMap(flatten),
  ];
  return objects.flatMap((object) => object.value.flatMap(flatten));
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (Array.isArray(value)) return value.map((item: unknown) => headerText(item)).join(', ');
  if (isRecord(value)) {
    // An address header (parsed to { value, text, html }) or a structured one ({ value, params }).
    if (typeof value.text === 'string') return value.text;
    if (typeof value.value === 'string') {
      const params = isRecord(value.params) ? Object.entries(value.params) : [];
      return [value.value, ...params.map(([key, param]) => `${key}=${String(param)}`)].join('; ');
    }
  }
  return JSON.stringify(value) ?? '';
}

function matches(filter: SmtpSinkMessageFilter): (message: SmtpSinkMessage) => boolean {
  const to = filter.to?.toLowerCase();
  const subject = filter.subject?.toLowerCase();
  return (message) =>
    (to === undefined ||
      [...message.envelope.to, ...message.to, ...message.cc].some((address) =>
        address.toLowerCase().includes(to),
      )) &&
    (subject === undefined || message.subject.toLowerCase().includes(subject));
}

function isStoredMessage(value: unknown): value is SmtpSinkMessage {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.receivedAt === 'string' &&
    typeof value.subject === 'string' &&
    isRecord(value.envelope) &&
    Array.isArray(value.envelope.to) &&
    Array.isArray(value.to)
  );
}
