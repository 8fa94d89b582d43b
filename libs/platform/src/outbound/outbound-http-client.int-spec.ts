import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundRefusedError } from './guarded-lookup';
import { OutboundHttpClient, OutboundTimeoutError } from './outbound-http-client';

/** A loopback server answering each path its own way, counting the requests it got. */
class Target {
  readonly hits: string[] = [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.hits.push(request.url ?? '');
      if (request.url === '/redirect') {
        response.writeHead(302, { location: `http://127.0.0.1:${this.port}/landed` }).end();
      } else if (request.url === '/slow') {
        setTimeout(() => response.writeHead(204).end(), 500);
      } else {
        request.resume();
        request.on('end', () => response.writeHead(204).end());
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('OutboundHttpClient', () => {
  const target = new Target();
  const development = new OutboundHttpClient({ allowLoopback: true }, { timeoutMs: 200 });
  const production = new OutboundHttpClient({ allowLoopback: false }, { timeoutMs: 200 });

  beforeAll(() => target.start());
  afterAll(async () => {
    development.close();
    production.close();
    await target.stop();
  });

  it('posts to a loopback receiver with the development setting', async () => {
    const response = await development.request({
      method: 'POST',
      url: `http://127.0.0.1:${target.port}/hook`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(204);
    expect(target.hits).toContain('/hook');
  });

  it('never follows a redirect: the 3xx comes back with its Location', async () => {
    const response = await development.request({
      method: 'POST',
      url: `http://localhost:${target.port}/redirect`,
      body: '{}',
    });
    expect(response).toEqual({ status: 302, location: `http://127.0.0.1:${target.port}/landed` });
    expect(target.hits).not.toContain('/landed');
  });

  it('refuses a name resolving to loopback at connect time, without connecting', async () => {
    const before = target.hits.length;
    const url = `https://localhost:${target.port}/hook`;
    await expect(production.request({ method: 'POST', url, body: '{}' })).rejects.toThrow(
      new OutboundRefusedError('localhost resolves to loopback address 127.0.0.1'),
    );
    expect(target.hits.length).toBe(before);
    expect(await production.check(url)).toEqual({
      allowed: false,
      reason: 'localhost resolves to loopback address 127.0.0.1',
    });
  });

  it('refuses a literal and http without the development setting', async () => {
    await expect(
      production.request({ method: 'POST', url: `https://127.0.0.1:${target.port}/` }),
    ).rejects.toThrow('loopback address 127.0.0.1');
    await expect(
      production.request({ method: 'POST', url: `http://127.0.0.1:${target.port}/` }),
    ).rejects.toThrow('scheme http refused: https only');
  });

  it('gives up after its timeout', async () => {
    await expect(
      development.request({ method: 'POST', url: `http://127.0.0.1:${target.port}/slow` }),
    ).rejects.toBeInstanceOf(OutboundTimeoutError);
  });

  it('says when a name does not resolve at save time', async () => {
    const verdict = await production.check('https://nowhere.invalid/hook');
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.reason).toMatch(/^nowhere\.invalid does not resolve \(/);
  });
});
