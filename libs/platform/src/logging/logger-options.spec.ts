import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pinoHttp, { type Options } from 'pino-http';
import { loggableUrl, loggerOptions } from './logger-options';

describe(loggableUrl.name, () => {
  it('keeps the path and the names of the query parameters, never their values', () => {
    expect(loggableUrl('/demands?lastName=Dupont&birthDate=1980-01-02')).toBe(
      '/demands?lastName=…&birthDate=…',
    );
    expect(loggableUrl('/guichets/10691/feed')).toBe('/guichets/10691/feed');
  });
});

/** The access log of one request, as the platform's options write it. */
async function accessLogOf(request: { path: string; headers: Record<string, string> }) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const options = loggerOptions('test', 'info').pinoHttp as Options;
  const log = pinoHttp(options, sink);
  const server: Server = createServer((req, res) => {
    log(req, res);
    req.log.info({ demand: { nir: '185077512345678', lastName: 'Dupont' } }, 'handled');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await (
    await fetch(`http://127.0.0.1:${port}${request.path}`, { headers: request.headers })
  ).text();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return lines.join('');
}

describe('access and application logs', () => {
  it('carry no token, search criterion, name, birth date or NIR', async () => {
    const text = await accessLogOf({
      path: '/demands?lastName=Dupont&firstName=Zo%C3%A9&birthDate=1980-01-02',
      headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.secret-token', cookie: 'sid=abc' },
    });
    expect(text).toContain('/demands?lastName=…&firstName=…&birthDate=…');
    expect(text).toContain('"statusCode":200');
    for (const secret of [
      'Dupont',
      'Zo',
      '1980-01-02',
      'secret-token',
      'sid=abc',
      '185077512345678',
    ])
      expect(text).not.toContain(secret);
  });
});
