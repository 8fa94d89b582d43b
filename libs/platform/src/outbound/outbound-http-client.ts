import type { LookupAddress } from 'node:dns';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { OutboundPolicy } from './address-policy';
import { guardedLookup, OutboundRefusedError, resolveAllowed } from './guarded-lookup';
import { checkUrl } from './url-policy';

export interface OutboundRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface OutboundResponse {
  readonly status: number;
  /** A 3xx's Location, never followed. */
  readonly location?: string;
}

export class OutboundTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'OutboundTimeoutError';
  }
}

export interface OutboundHttpClientOptions {
  /** The whole exchange, connection to response headers. */
  readonly timeoutMs: number;
  /** Name resolution (all addresses); the system resolver by default. */
  readonly lookupAll?: (hostname: string) => Promise<LookupAddress[]>;
}

export type DestinationVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

// What is read of an answer before the connection is dropped: the status is what counts.
const MAX_DRAINED_BYTES = 64 * 1024;

/**
 * HTTP calls to addresses given by outsiders (webhook endpoints). The URL is checked before the
 * call, each address at connect time by the agents' guarded lookup (DNS rebinding), and redirects
 * are never followed: a 3xx is returned as it is.
 */
export class OutboundHttpClient {
  private readonly https: HttpsAgent;
  private readonly http: HttpAgent;

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly options: OutboundHttpClientOptions,
  ) {
    const lookup = guardedLookup(policy, options.lookupAll);
    this.https = new HttpsAgent({ keepAlive: true, lookup });
    this.http = new HttpAgent({ keepAlive: true, lookup });
  }

  /** The save-time check: the URL policy, and every address its host resolves to now. */
  async check(url: string): Promise<DestinationVerdict> {
    const verdict = checkUrl(url, this.policy);
    if (!verdict.allowed) return verdict;
    if (verdict.literal) return { allowed: true };
    try {
      await resolveAllowed(verdict.host, this.policy, this.options.lookupAll);
      return { allowed: true };
    } catch (error) {
      if (error instanceof OutboundRefusedError) return { allowed: false, reason: error.reason };
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { allowed: false, reason: `${verdict.host} does not resolve (${code})` };
    }
  }

  /** Rejects with OutboundRefusedError, OutboundTimeoutError or the network error. */
  request(outbound: OutboundRequest): Promise<OutboundResponse> {
    const verdict = checkUrl(outbound.url, this.policy);
    if (!verdict.allowed) return Promise.reject(new OutboundRefusedError(verdict.reason));
    const secure = verdict.url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const request = send(
        verdict.url,
        {
          method: outbound.method,
          headers: outbound.headers,
          // A literal host was checked above (net does not look it up); a name is checked by
          // the agent's lookup on each connection.
          agent: secure ? this.https : this.http,
        },
        (response) => {
          clearTimeout(timer);
          drain(response);
          const location = response.headers.location;
          resolve({
            status: response.statusCode ?? 0,
            ...(location && isRedirect(response.statusCode) ? { location } : {}),
          });
        },
      );
      const timer = setTimeout(
        () => request.destroy(new OutboundTimeoutError(this.options.timeoutMs)),
        this.options.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(outbound.body);
    });
  }

  close(): void {
    this.https.destroy();
    this.http.destroy();
  }
}

const isRedirect = (status: number | undefined) =>
  status !== undefined && status >= 300 && status < 400;

function drain(response: IncomingMessage): void {
  let read = 0;
  response.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DRAINED_BYTES) response.destroy();
  });
  response.on('error', () => undefined);
}
