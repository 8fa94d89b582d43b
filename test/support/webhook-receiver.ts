import type { GuichetDelivery } from '@sne/contracts';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One call to the endpoint, as a guichet's software would see it. */
export interface WebhookCall {
  /** The request's path, below which each guichet may have its own (`/hooks/R0001`). */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** As posted: what a signature is checked on. */
  readonly body: string;
}

/** An HTTP status (with headers), or `close` to drop the connection without answering. */
export type WebhookAnswer = number | { status: number; headers: Record<string, string> } | 'close';

export type WebhookResponder = (call: WebhookCall) => WebhookAnswer | Promise<WebhookAnswer>;

/**
 * A guichet's webhook endpoint on loopback. By default it answers 204 to everything; a responder
 * gives other answers (failures, signature checks, redirects). Deliveries answered 2xx are kept.
 */
export class WebhookReceiver {
  readonly received: GuichetDelivery[] = [];
  /** Calls answered in any way. */
  calls = 0;
  private server: Server | undefined;

  constructor(private readonly respond: WebhookResponder = () => 204) {}

  /** Its URL. */
  async start(path = '/hook'): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.calls++;
        const call: WebhookCall = {
          path: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        void Promise.resolve(this.respond(call)).then((answer) => {
          if (answer === 'close') {
            request.socket.destroy();
            return;
          }
          const { status, headers } =
            typeof answer === 'number' ? { status: answer, headers: {} } : answer;
          if (status >= 200 && status < 300)
            this.received.push(JSON.parse(call.body) as GuichetDelivery);
          response.writeHead(status, headers).end();
        });
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  }

  /** Stops it; nothing to do if it never started. */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

/** Whether the call's signature verifies with `secret`, by the Standard Webhooks library. */
export function signedWith(call: WebhookCall, secret: string): boolean {
  const headers = Object.fromEntries(
    Object.entries(call.headers).map(([name, value]) => [name, String(value)]),
  );
  try {
    new Webhook(secret).verify(call.body, headers);
    return true;
  } catch {
    return false;
  }
}
