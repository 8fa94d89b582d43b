import type { GuichetDelivery } from '@sne/contracts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A guichet's webhook endpoint on loopback that keeps every delivery posted to it (204). */
export class WebhookReceiver {
  readonly received: GuichetDelivery[] = [];
  private server!: Server;

  /** Its URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as GuichetDelivery);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
