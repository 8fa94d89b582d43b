import type {
  SinkHealth,
  SmppSinkControl,
  SmppSinkMessage,
  SmppSinkMessageFilter,
  SmppSinkPdu,
  SmtpSinkControl,
  SmtpSinkMessage,
  SmtpSinkMessageFilter,
} from '../../../tools/sink-common/types';

export type {
  SinkHealth,
  SmppConcatenation,
  SmppReceiptStatus,
  SmppSinkControl,
  SmppSinkMessage,
  SmppSinkMessageFilter,
  SmppSinkMode,
  SmppSinkPdu,
  SmppTextEncoding,
  SmtpSinkAttachment,
  SmtpSinkControl,
  SmtpSinkMessage,
  SmtpSinkMessageFilter,
  SmtpSinkMode,
} from '../../../tools/sink-common/types';

export interface WaitForMessagesOptions<F> {
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Only messages matching this filter of the sink's API are considered. */
  readonly filter?: F;
  /** With a predicate: how many matching messages to wait for (default 1). */
  readonly count?: number;
  /** Said in the error when time runs out. */
  readonly description?: string;
}

const POLL_INTERVAL_MS = 100;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Typed access to the HTTP API of a sink of tools/ (smtp-sink, smpp-sink). */
abstract class SinkClient<M, F extends object, C> {
  protected readonly baseUrl: string;

  protected constructor(
    baseUrl: string,
    private readonly sinkName: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  health(): Promise<SinkHealth> {
    return this.request<SinkHealth>('GET', '/health');
  }

  /** Oldest first. */
  async messages(filter?: F): Promise<M[]> {
    const body = await this.request<{ messages: M[] }>('GET', `/messages${query(filter)}`);
    return body.messages;
  }

  async clear(): Promise<void> {
    await this.request<undefined>('DELETE', '/messages');
  }

  control(): Promise<C> {
    return this.request<C>('GET', '/control');
  }

  /** Changes the given fields only; resolves with the whole control now in force. */
  setControl(patch: Partial<C>): Promise<C> {
    return this.request<C>('PUT', '/control', patch);
  }

  /**
   * Polls until `expectation` holds: a number waits for at least that many messages (all of
   * them are returned), a predicate for `count` (default 1) matching messages (those are returned).
   */
  async waitForMessages(
    expectation: number | ((message: M) => boolean),
    options: WaitForMessagesOptions<F> = {},
  ): Promise<M[]> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, filter, count = 1 } = options;
    const wanted = typeof expectation === 'number' ? expectation : count;
    const deadline = Date.now() + timeoutMs;
    let received: M[] = [];
    let lastError: unknown;
    for (;;) {
      try {
        received = await this.messages(filter);
        lastError = undefined;
        const selected = typeof expectation === 'number' ? received : received.filter(expectation);
        if (selected.length >= wanted) return selected;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) {
        throw new Error(this.timeoutMessage(expectation, options, wanted, received, lastError));
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  /** One line to identify a message in an error. */
  protected abstract describe(message: M): string;

  protected async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${this.sinkName}: ${method} ${url} answered ${response.status}: ${text}`);
    }
    // The sinks answer the shapes of tools/sink-common/types.ts.
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private timeoutMessage(
    expectation: number | ((message: M) => boolean),
    options: WaitForMessagesOptions<F>,
    wanted: number,
    received: readonly M[],
    lastError: unknown,
  ): string {
    const what =
      options.description ??
      (typeof expectation === 'number'
        ? `${wanted} message(s)`
        : `${wanted} message(s) matching ${expectation.name || 'the predicate'}`);
    const scope =
      options.filter === undefined ? '' : ` with filter ${JSON.stringify(options.filter)}`;
    const lines = received.map((message) => `  - ${this.describe(message)}`);
    const error = lastError === undefined ? '' : `\nlast request failed: ${errorText(lastError)}`;
    return (
      `${this.sinkName}: timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms waiting for ${what}${scope}; ` +
      `received ${received.length}${lines.length > 0 ? `:\n${lines.join('\n')}` : ''}${error}`
    );
  }
}

export class SmtpSinkClient extends SinkClient<
  SmtpSinkMessage,
  SmtpSinkMessageFilter,
  SmtpSinkControl
> {
  constructor(baseUrl: string) {
    super(baseUrl, 'smtp-sink');
  }

  message(id: string): Promise<SmtpSinkMessage> {
    return this.request<SmtpSinkMessage>('GET', `/messages/${encodeURIComponent(id)}`);
  }

  protected describe(message: SmtpSinkMessage): string {
    return `${message.receivedAt} to ${message.envelope.to.join(', ')}: "${message.subject}"`;
  }
}

export class SmppSinkClient extends SinkClient<
  SmppSinkMessage,
  SmppSinkMessageFilter,
  SmppSinkControl
> {
  constructor(baseUrl: string) {
    super(baseUrl, 'smpp-sink');
  }

  message(id: string): Promise<SmppSinkMessage> {
    return this.request<SmppSinkMessage>('GET', `/messages/${encodeURIComponent(id)}`);
  }

  /** Every submit_sm received (segments, refused ones included), oldest first. */
  async pdus(filter?: SmppSinkMessageFilter): Promise<SmppSinkPdu[]> {
    const body = await this.request<{ pdus: SmppSinkPdu[] }>('GET', `/pdus${query(filter)}`);
    return body.pdus;
  }

  protected describe(message: SmppSinkMessage): string {
    const text = message.text.length > 60 ? `${message.text.slice(0, 60)}…` : message.text;
    return `${message.receivedAt} to ${message.destinationAddr} (${message.segments} segment(s)): "${text}"`;
  }
}

function query(filter: object | undefined): string {
  if (filter === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === 'string') params.set(key, value);
  }
  const encoded = params.toString();
  return encoded === '' ? '' : `?${encoded}`;
}

/** Duck-typed: under jest, errors thrown by Node (fetch) come from another realm. */
function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('message' in error)) {
    return JSON.stringify(error) ?? 'unknown error';
  }
  const cause = 'cause' in error && error.cause !== undefined ? ` (${errorText(error.cause)})` : '';
  return `${String(error.message)}${cause}`;
}
