import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from './net';

/** A tiny JSON-over-HTTP router on node:http, enough for the sinks' APIs. */

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface JsonRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface JsonReply {
  readonly status: number;
  readonly body?: unknown;
}

export type RouteHandler = (request: JsonRequest) => JsonReply | Promise<JsonReply>;

export interface Route {
  readonly method: HttpMethod;
  /** Literal segments and `:name` parameters, e.g. `/messages/:id`. */
  readonly path: string;
  readonly handler: RouteHandler;
}

/** Thrown by a handler to answer `{ error, details? }` with the given status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024;

export class JsonHttpServer {
  private readonly server: Server;

  constructor(
    private readonly routes: readonly Route[],
    private readonly onError: (error: unknown) => void,
  ) {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  listen(port: number, host: string): Promise<number> {
    return listen(this.server, port, host);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections (fetch keeps them) would otherwise hold close() open.
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: JsonReply;
    try {
      reply = await this.dispatch(request);
    } catch (error) {
      if (error instanceof HttpError) {
        const details = error.details === undefined ? {} : { details: error.details };
        reply = { status: error.status, body: { error: error.message, ...details } };
      } else {
        this.onError(error);
        reply = { status: 500, body: { error: 'internal error' } };
      }
    }
    send(response, reply);
  }

  private async dispatch(request: IncomingMessage): Promise<JsonReply> {
    const url = new URL(request.url ?? '/', 'http://sink');
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    const allowed: HttpMethod[] = [];
    for (const route of this.routes) {
      const params = match(route.path, segments);
      if (params === undefined) continue;
      if (route.method !== request.method) {
        allowed.push(route.method);
        continue;
      }
      const body = await readJsonBody(request);
      return route.handler({ params, query: url.searchParams, body });
    }
    if (allowed.length > 0) {
      throw new HttpError(405, `method ${request.method ?? ''} not allowed`, { allowed });
    }
    throw new HttpError(404, `no route for ${url.pathname}`);
  }
}

function match(path: string, segments: readonly string[]): Record<string, string> | undefined {
  const pattern = path.split('/').filter((segment) => segment !== '');
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) {
      params[part.slice(1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed path segment "${segment}"`);
  }
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

function send(response: ServerResponse, reply: JsonReply): void {
  if (reply.body === undefined || reply.status === 204) {
    response.writeHead(reply.status).end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  response
    .writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
    })
    .end(payload);
}
