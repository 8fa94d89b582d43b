import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { SmtpSinkClient } from '../../libs/testing/src/sinks';
import { SmtpSink } from './smtp-sink';

function transportTo(sink: SmtpSink, auth?: { user: string; pass: string; method: string }) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.smtpPort,
    secure: false,
    ignoreTLS: true,
    ...(auth === undefined
      ? {}
      : { auth: { user: auth.user, pass: auth.pass }, authMethod: auth.method }),
  });
}

const subject =
  'Votre demande de logement social n° 057 doit être renouvelée — échéance à 30 jours';
const text =
  'Bonjour Mme Bérénice Lefèvre,\n\nVotre demande n° 057 1215 073903 10691 doit être renouvelée ' +
  'avant le 15 août. Démarche gratuite : 0 €. Ça ne prend que cinq minutes, à bientôt !';
const html =
  '<p>Bonjour <strong>Mme Bérénice Lefèvre</strong>,</p>' +
  '<p>Votre demande doit être renouvelée avant le 15 août — coût : 0 €, ça ô ï ù.</p>';

describe('SmtpSink (real SMTP and HTTP)', () => {
  const sink = new SmtpSink({ smtpPort: 0, apiPort: 0 });
  let client: SmtpSinkClient;

  beforeAll(async () => {
    await sink.start();
    client = new SmtpSinkClient(sink.apiUrl);
  });

  afterEach(async () => {
    await client.setControl({ mode: 'accept', delayMs: 0 });
    await client.clear();
  });

  afterAll(() => sink.stop());

  it('listens on the ports it reports and answers /health', async () => {
    expect(sink.smtpPort).toBeGreaterThan(0);
    expect(sink.apiPort).toBeGreaterThan(0);
    expect(await client.health()).toEqual({ status: 'ok' });
  });

  it('keeps a French text and HTML message with its attachment, decoded', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(4096)]);
    const transport = transportTo(sink);
    const info = await transport.sendMail({
      from: '"Système National d’Enregistrement" <no-reply@sne.example.fr>',
      to: ['Bérénice Lefèvre <berenice.lefevre@example.fr>', 'gerard.etienne@example.fr'],
      cc: 'bailleur@example.fr',
      bcc: 'archive@example.fr',
      subject,
      text,
      html,
      attachments: [
        {
          filename: 'attestation-d’enregistrement.pdf',
          content: pdf,
          contentType: 'application/pdf',
        },
      ],
    });
    transport.close();

    const [message] = await client.waitForMessages(1);
    expect(message).toMatchObject({
      envelope: {
        from: 'no-reply@sne.example.fr',
        to: [
          'berenice.lefevre@example.fr',
          'gerard.etienne@example.fr',
          'bailleur@example.fr',
          'archive@example.fr',
        ],
      },
      messageId: info.messageId,
      from: '"Système National d’Enregistrement" <no-reply@sne.example.fr>',
      to: ['berenice.lefevre@example.fr', 'gerard.etienne@example.fr'],
      cc: ['bailleur@example.fr'],
      subject,
      html,
      attachments: [
        {
          filename: 'attestation-d’enregistrement.pdf',
          contentType: 'application/pdf',
          size: pdf.length,
        },
      ],
    });
    expect(message?.text?.trim()).toBe(text);
    expect(message?.headers.subject).toBe(subject);
    expect(message?.headers['content-type']).toMatch(/^multipart\/mixed; boundary=/);
    expect(message?.headers.to).toContain('Bérénice Lefèvre');
    expect(Date.parse(message?.receivedAt ?? '')).not.toBeNaN();
    expect(await client.message(message?.id ?? '')).toEqual(message);
  });

  it('filters by recipient and subject substrings', async () => {
    const transport = transportTo(sink);
    await transport.sendMail({
      from: 'no-reply@sne.example.fr',
      to: 'Alice.Martin@example.fr',
      subject: 'Attestation d’enregistrement',
      text: 'a',
    });
    await transport.sendMail({
      from: 'no-reply@sne.example.fr',
      to: 'bob@example.fr',
      subject: 'Demande à renouveler',
      text: 'b',
    });
    transport.close();

    const all = await client.waitForMessages(2);
    expect(all.map((message) => message.subject)).toEqual([
      'Attestation d’enregistrement',
      'Demande à renouveler',
    ]);
    expect((await client.messages({ to: 'alice.martin' })).map((m) => m.subject)).toEqual([
      'Attestation d’enregistrement',
    ]);
    expect((await client.messages({ subject: 'À RENOUVELER' })).map((m) => m.envelope.to)).toEqual([
      ['bob@example.fr'],
    ]);
    expect(await client.messages({ to: 'bob', subject: 'attestation' })).toEqual([]);
  });

  it.each(['PLAIN', 'LOGIN'])('accepts AUTH %s from a client that sends it', async (method) => {
    const transport = transportTo(sink, { user: 'sne', pass: 'secret', method });
    await transport.sendMail({
      from: 'a@example.fr',
      to: 'b@example.fr',
      subject: method,
      text: 'x',
    });
    transport.close();
    expect(await client.waitForMessages((m) => m.subject === method)).toHaveLength(1);
  });

  it('answers 550 to RCPT TO in reject mode and keeps nothing', async () => {
    await client.setControl({ mode: 'reject' });
    const transport = transportTo(sink);
    await expect(
      transport.sendMail({ from: 'a@example.fr', to: 'b@example.fr', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    transport.close();
    expect(await client.messages()).toEqual([]);
  });

  it('answers 451 in tempfail mode', async () => {
    expect(await client.setControl({ mode: 'tempfail' })).toEqual({ mode: 'tempfail', delayMs: 0 });
    const transport = transportTo(sink);
    await expect(
      transport.sendMail({ from: 'a@example.fr', to: 'b@example.fr', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 451 });
    transport.close();
  });

  it('waits delayMs before answering the end of DATA, and applies the mode then', async () => {
    await client.setControl({ delayMs: 600 });
    const transport = transportTo(sink);
    const started = Date.now();
    await transport.sendMail({
      from: 'a@example.fr',
      to: 'b@example.fr',
      subject: 'slow',
      text: 'x',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);

    const sending = transport.sendMail({
      from: 'a@example.fr',
      to: 'b@example.fr',
      subject: 'refused at DATA',
      text: 'x',
    });
    const outcome = expect(sending).rejects.toMatchObject({ responseCode: 550 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.setControl({ mode: 'reject' });
    await outcome;
    transport.close();
    expect((await client.messages()).map((m) => m.subject)).toEqual(['slow']);
  });

  it('validates PUT /control', async () => {
    const response = await fetch(`${sink.apiUrl}/control`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'bounce', delayMs: -1, colour: 'red' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; details: string[] };
    expect(body.error).toBe('invalid control');
    expect(body.details).toHaveLength(3);
    expect(body.details.join('\n')).toMatch(/mode: must be one of accept, reject, tempfail/);

    const notJson = await fetch(`${sink.apiUrl}/control`, { method: 'PUT', body: '{' });
    expect(notJson.status).toBe(400);
    expect(await client.control()).toEqual({ mode: 'accept', delayMs: 0 });
  });

  it('answers 404 for an unknown message or route and 405 for a wrong method', async () => {
    await expect(client.message('nope')).rejects.toThrow(/404/);
    expect((await fetch(`${sink.apiUrl}/nothing`)).status).toBe(404);
    expect((await fetch(`${sink.apiUrl}/health`, { method: 'DELETE' })).status).toBe(405);
  });

  it('times out with a list of what was received', async () => {
    const transport = transportTo(sink);
    await transport.sendMail({
      from: 'a@example.fr',
      to: 'c@example.fr',
      subject: 'Là',
      text: 'x',
    });
    transport.close();
    await expect(
      client.waitForMessages(
        function subjectIsAbsent(m) {
          return m.subject === 'absent';
        },
        { timeoutMs: 300 },
      ),
    ).rejects.toThrow(
      /timed out after 300 ms waiting for 1 message\(s\) matching subjectIsAbsent; received 1:\n {2}- .* to c@example\.fr: "Là"/,
    );
  });
});

describe('SmtpSink size limit', () => {
  it('refuses a message over the limit with 552', async () => {
    const sink = new SmtpSink({ smtpPort: 0, apiPort: 0, maxMessageBytes: 4096 });
    await sink.start();
    try {
      const transport = transportTo(sink);
      await expect(
        transport.sendMail({
          from: 'a@example.fr',
          to: 'b@example.fr',
          subject: 'Trop gros',
          text: 'x',
          attachments: [{ filename: 'big.bin', content: randomBytes(8192) }],
        }),
      ).rejects.toMatchObject({ responseCode: 552 });
      await transport.sendMail({
        from: 'a@example.fr',
        to: 'b@example.fr',
        subject: 'ok',
        text: 'x',
      });
      transport.close();
      expect((await new SmtpSinkClient(sink.apiUrl).messages()).map((m) => m.subject)).toEqual([
        'ok',
      ]);
    } finally {
      await sink.stop();
    }
  });
});

describe('SmtpSink with SNE_RUN_DIR', () => {
  let runDir: string;

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'smtp-sink-'));
  });

  afterEach(() => rm(runDir, { recursive: true, force: true }));

  it('keeps messages across a restart and forgets them on DELETE', async () => {
    const first = new SmtpSink({ smtpPort: 0, apiPort: 0, runDir });
    await first.start();
    const transport = transportTo(first);
    await transport.sendMail({
      from: 'a@example.fr',
      to: 'b@example.fr',
      subject: 'Persistée',
      text: 'é',
    });
    transport.close();
    const [sent] = await new SmtpSinkClient(first.apiUrl).waitForMessages(1);
    await first.stop();

    const file = join(runDir, 'smtp-sink', 'messages.jsonl');
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);

    const second = new SmtpSink({ smtpPort: 0, apiPort: 0, runDir });
    await second.start();
    try {
      const client = new SmtpSinkClient(second.apiUrl);
      expect(await client.messages()).toEqual([sent]);
      await client.clear();
      expect(await client.messages()).toEqual([]);
      expect(await readFile(file, 'utf8')).toBe('');
    } finally {
      await second.stop();
    }
  });
});
