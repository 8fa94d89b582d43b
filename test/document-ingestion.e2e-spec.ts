import type { INestApplication } from '@nestjs/common';
import type { OperatorRole } from '@sne/auth';
import {
  type CloudEvent,
  createEvent,
  type DemandSnapshot,
  DocumentEventTypes,
  DemandEventTypes,
  type DocumentEventData,
  encodeEvent,
  Topics,
} from '@sne/contracts';
import { MONGO_CONNECTION } from '@sne/persistence';
import { parisDate } from '@sne/domain';
import { Clock } from '@sne/platform';
import {
  appEnv,
  factory,
  guichetAuth,
  isolate,
  operatorAuth,
  SmtpSinkClient,
  startApp,
  signTestToken,
  testStack,
  TestKafka,
  testToken,
  waitFor,
} from '@sne/testing';
import type { Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { PNG } from 'pngjs';
import { summarySheetPdf, transmittalSlipPdf } from '@sne/printing';
import { imagesToPdf, scanLikePng } from '../libs/printing/src/testing/scan-simulation';
import { compressedBombPdf, textPdf } from '../libs/printing/src/testing/test-pdfs';
import { AppModule as ConsoleModule } from '../apps/console/src/app.module';
import { loadConsoleConfig } from '../apps/console/src/config';
import {
  reserveIdentityProvider,
  type ReservedIdentityProvider,
  signedInConsole,
} from './support/identity-provider';
import { AppModule } from '../apps/document-ingestion/src/app.module';
import { BatchRepository } from '../apps/document-ingestion/src/batches/batch.repository';
import { DocumentRepository } from '../apps/document-ingestion/src/documents/document.repository';
import { BatchesService } from '../apps/document-ingestion/src/batches/batches.service';
import { loadDocumentIngestionConfig } from '../apps/document-ingestion/src/config';

const METZ = guichetAuth('10691', ['057'], 'landlord');
const PARIS = guichetAuth('75120', ['075'], 'municipality');
const PORTAL_LIMIT = 200_000;
const SCAN_LIMIT = 16_000_000;

const operator = (id: string, roles: OperatorRole[], territory: string[] | 'all' = ['057']) => ({
  authorization: `Bearer ${testToken({ kind: 'operator', id, roles, territory })}`,
});
const SIMPLE = operator('consultant.simple', ['consultant-simple']);
const DEMANDE = operator('consultant.demande', ['consultant-demande']);
const SENSIBLE = operator('consultant.sensible', ['consultant-sensible']);
const SENSIBLE_PARIS = operator('consultant.paris', ['consultant-sensible'], ['075']);

function aPng(seed: number): Buffer {
  const png = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 7 + seed) % 256;
  return PNG.sync.write(png);
}

/** A real JPEG: poppler's pdftoppm renders a PDF page (the camera of a smartphone, in short). */
function aJpeg(pdf: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pdftoppm',
      ['-jpeg', '-r', '20', '-singlefile'],
      { encoding: 'buffer', maxBuffer: 10_000_000 },
      (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
    );
    child.stdin!.end(pdf);
  });
}

/** One page as a grey PNG, as a scanner at that resolution sees the paper. */
function pageAsPng(pdf: Buffer, dpi: number, page = 1): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pdftoppm',
      ['-png', '-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile'],
      { encoding: 'buffer', maxBuffer: 50_000_000 },
      (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
    );
    child.stdin!.end(pdf);
  });
}

/** The register's QR signing key in this test (the app is given its public half). */
const qrKeys = generateKeyPairSync('ed25519');
const QR_PUBLIC_KEY = Buffer.from(
  qrKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
).toString('base64');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Real time, moved forward on demand (a month of quarantine in a test). */
class ShiftedClock extends Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(milliseconds: number): void {
    this.offset += milliseconds;
  }
  reset(): void {
    this.offset = 0;
  }
}

interface Upload {
  category?: string;
  documentType?: string;
  relevance?: string;
  validUntil?: string;
  channel?: string;
  filename?: string;
  declaredType?: string;
  bytes: Buffer;
}

interface Answer {
  status: number;
  body: Record<string, any>;
  headers: Headers;
}

describe('document-ingestion: supporting documents', () => {
  const isolation = isolate('document-ingestion');
  const kafka = new TestKafka(isolation.topicPrefix);
  const clock = new ShiftedClock();
  let app: INestApplication;
  let api: string;
  let producer: Producer;
  let documentEvents: Awaited<ReturnType<TestKafka['collect']>>;
  let connection: Connection;

  const http = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Answer> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text && text.startsWith('{') ? JSON.parse(text) : { text },
      headers: response.headers,
    };
  };

  const upload = async (
    numero: string,
    input: Upload,
    headers: Record<string, string> = METZ,
  ): Promise<Answer> => {
    const form = new FormData();
    const fields: Array<[string, string | undefined]> = [
      ['category', input.category ?? 'IDD'],
      ['documentType', input.documentType ?? 'CID'],
      ['relevance', input.relevance],
      ['validUntil', input.validUntil],
      ['channel', input.channel],
    ];
    for (const [name, value] of fields) if (value !== undefined) form.append(name, value);
    form.append(
      'file',
      new Blob([new Uint8Array(input.bytes)], { type: input.declaredType ?? 'application/pdf' }),
      input.filename ?? 'piece.pdf',
    );
    const response = await fetch(`${api}${documentsPath(numero)}`, {
      method: 'POST',
      headers,
      body: form,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : {},
      headers: response.headers,
    };
  };

  /**
   * An upload sent by hand: a bare declared length (`declaredBytes`), or a PDF file part streamed
   * chunked as fast as the server reads it until its answer, then a chunk every 10 ms (a client
   * that does not listen) until `maxBytes` or until the server cuts the connection.
   */
  /** A multipart upload sent by hand, its fields and the head of a PDF file part written. */
  const openRawUpload = (options: { channel?: string; declaredBytes?: number }) => {
    const boundary = `sne-${isolation.id}`;
    const request = httpRequest(`${api}${documentsPath(rawNumero)}`, {
      method: 'POST',
      headers: {
        ...METZ,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(options.declaredBytes ? { 'content-length': String(options.declaredBytes) } : {}),
      },
    });
    request.on('error', () => undefined);
    const fileHead = () =>
      `--${boundary}\r\ncontent-disposition: form-data; name="category"\r\n\r\nIDD\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="documentType"\r\n\r\nCID\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="channel"\r\n\r\n${options.channel ?? 'guichet'}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.pdf"\r\n` +
      'content-type: application/pdf\r\n\r\n%PDF-1.4\n';
    return { request, fileHead };
  };

  const rawUpload = (options: { channel?: string; declaredBytes?: number; maxBytes: number }) =>
    new Promise<{
      status: number;
      body: Record<string, any>;
      sentAtAnswer: number;
      cutAfterMs: number | undefined;
    }>((resolve, reject) => {
      const { request, fileHead } = openRawUpload(options);
      let sent = 0;
      let answer: { status: number; body: Record<string, any>; at: number } | undefined;
      let cutAt: number | undefined;
      request.on('close', () => {
        cutAt ??= performance.now();
      });
      const finish = () =>
        resolve({
          status: answer!.status,
          body: answer!.body,
          sentAtAnswer: answerSent,
          cutAfterMs: cutAt === undefined ? undefined : cutAt - answer!.at,
        });
      let answerSent = 0;
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          answerSent = sent;
          answer = {
            status: response.statusCode!,
            body: JSON.parse(Buffer.concat(chunks).toString()),
            at: performance.now(),
          };
          if (options.declaredBytes) {
            request.destroy();
            finish();
          }
        });
        response.on('error', reject);
      });
      request.flushHeaders();
      if (options.declaredBytes) return;
      request.write(fileHead());
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      void (async () => {
        while (!request.destroyed && cutAt === undefined && sent < options.maxBytes) {
          sent += chunk.length;
          const flowing = request.write(chunk);
          if (answer) await new Promise((next) => setTimeout(next, 10));
          else if (!flowing)
            await new Promise((next) => {
              request.once('drain', next);
              request.once('close', next);
            });
        }
        request.destroy();
        await waitFor(() => answer, { description: 'the answer to a raw upload' });
        finish();
      })();
    });
  let rawNumero: string;

  const download = (numero: string, id: string, headers: Record<string, string>) =>
    fetch(`${api}${documentsPath(numero)}/${id}/content`, { headers });

  const documentsPath = (numero: string) => `/demands/${encodeURIComponent(numero)}/documents`;

  const storedFiles = async () => ({
    files: await connection.db!.collection('documents.files').countDocuments(),
    chunks: await connection.db!.collection('documents.chunks').countDocuments(),
  });

  const eventsOf = (documentId: string) =>
    documentEvents.messages
      .map(
        (message) => JSON.parse(message.value!.toString()) as CloudEvent<string, DocumentEventData>,
      )
      .filter((event) => event.data.documentId === documentId);

  /** A demand the app learns of from the demand-events topic, as it would from registration. */
  const aDemand = async (overrides: Partial<DemandSnapshot> = {}): Promise<string> => {
    const demand = factory.demand({
      department: '057',
      guichetCode: '10691',
      state: 'active',
      ...overrides,
    });
    await producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: [encodeEvent(factory.demandEvent(DemandEventTypes.Registered, demand))],
    });
    await waitFor(
      async () =>
        (await http('GET', documentsPath(demand.numeroUnique), operatorAuth())).status === 200,
      { description: `demand ${demand.numeroUnique} known to document-ingestion` },
    );
    return demand.numeroUnique;
  };

  let identityProvider: ReservedIdentityProvider;

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    identityProvider = await reserveIdentityProvider();
    ({ app, url: api } = await startApp(
      AppModule.forRoot(
        loadDocumentIngestionConfig(
          appEnv(isolation, {
            AUTH_ISSUER: identityProvider.authIssuers,
            PORTAL_MAX_FILE_BYTES: String(PORTAL_LIMIT),
            SCAN_MAX_FILE_BYTES: String(SCAN_LIMIT),
            QUARANTINE_RETENTION_DAYS: '30',
            OUTBOX_SWEEP_MS: '1000',
            QR_PUBLIC_KEYS: QR_PUBLIC_KEY,
            // Above the scans' 100 dpi: at 100, about one slip in twelve did not decode.
            BATCH_RENDER_DPI: '150',
            POPPLER_TIMEOUT_MS: '10000',
          }),
        ),
      ),
      { clock },
    ));
    connection = app.get<Connection>(MONGO_CONNECTION);
    producer = kafka.kafka.producer();
    await producer.connect();
    documentEvents = await kafka.collect(Topics.DocumentEvents);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await kafka.cleanup();
  });

  describe('classification plan', () => {
    it("serves the seeds' categories with their codes, sensitivity and limits", async () => {
      const answer = await http('GET', '/classification-plan', SIMPLE);
      expect(answer.status).toBe(200);
      const categories = answer.body.plan.categories as Array<Record<string, any>>;
      expect(categories).toHaveLength(10);
      expect(categories.find((category) => category.code === 'RESMEN')).toMatchObject({
        label: 'Ressources mensuelles',
        sensitive: true,
        maxDocuments: 15,
      });
      expect(answer.body.plan.version).toEqual(expect.any(String));
    });
  });

  describe('upload', () => {
    it('stores a PDF as sent, reads its type from the bytes, hashes it and journals the creation', async () => {
      const numero = await aDemand();
      const pdf = await textPdf('Carte identité Camille', 2);
      const created = await upload(numero, {
        bytes: pdf,
        validUntil: '2031-05-31',
        relevance: 'PR',
        // The sender's word is not taken: the bytes say PDF.
        declaredType: 'application/octet-stream',
        filename: 'carte identité.pdf',
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      const document = created.body.document;
      expect(document).toMatchObject({
        numeroUnique: numero,
        state: 'active',
        version: 1,
        category: 'IDD',
        documentType: 'CID',
        categoryLabel: 'Identité du demandeur',
        documentTypeLabel: "Carte d'identité ou passeport du demandeur",
        sensitive: false,
        relevance: 'PR',
        validUntil: '2031-05-31',
        createdBy: 'guichet:10691',
        file: {
          filename: 'carte identité.pdf',
          contentType: 'application/pdf',
          size: pdf.length,
          sha256: sha256(pdf),
          pages: 2,
        },
      });

      const content = await download(numero, document.documentId, METZ);
      expect(content.status).toBe(200);
      expect(content.headers.get('content-type')).toBe('application/pdf');
      expect(content.headers.get('content-disposition')).toContain(
        "filename*=UTF-8''carte%20identit%C3%A9.pdf",
      );
      expect(Buffer.from(await content.arrayBuffer()).equals(pdf)).toBe(true);

      const journal = await http('GET', `${documentsPath(numero)}/journal`, METZ);
      expect(
        journal.body.entries.map((entry: any) => [entry.eventType, entry.description]),
      ).toEqual(
        expect.arrayContaining([
          ['creation', "Ajout d'une pièce de catégorie IDD et de type CID"],
          [
            'file-added',
            "Ajout d'un fichier à une pièce de catégorie IDD et de type CID (carte identité.pdf)",
          ],
        ]),
      );

      const [event] = await waitFor(
        () => eventsOf(document.documentId).length === 1 && eventsOf(document.documentId),
      );
      expect(event).toMatchObject({
        type: 'sne.document.added.v1',
        subject: numero,
        guichet: '10691',
        data: {
          documentId: document.documentId,
          numeroUnique: numero,
          category: 'IDD',
          documentType: 'CID',
          sensitive: false,
          version: 1,
          state: 'active',
          sha256: sha256(pdf),
          contentType: 'application/pdf',
        },
      });
    });

    it('keeps PNG and JPEG images as they were sent', async () => {
      const numero = await aDemand();
      const png = aPng(1);
      const jpeg = await aJpeg(await textPdf('Quittance de loyer'));
      const pngAnswer = await upload(numero, {
        bytes: png,
        category: 'LOGACT',
        documentType: 'JUSTL',
        filename: 'quittance.png',
        declaredType: 'image/png',
      });
      const jpegAnswer = await upload(numero, {
        bytes: jpeg,
        category: 'LOGACT',
        documentType: 'JUSTL',
        // A misleading name changes nothing: the bytes are a JPEG.
        filename: 'photo.pdf',
        declaredType: 'application/pdf',
      });
      expect([pngAnswer.status, jpegAnswer.status]).toEqual([201, 201]);
      expect(pngAnswer.body.document.file.contentType).toBe('image/png');
      expect(jpegAnswer.body.document.file.contentType).toBe('image/jpeg');
      const pngBack = await download(numero, pngAnswer.body.document.documentId, METZ);
      const jpegBack = await download(numero, jpegAnswer.body.document.documentId, METZ);
      expect(pngBack.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await pngBack.arrayBuffer()).equals(png)).toBe(true);
      expect(Buffer.from(await jpegBack.arrayBuffer()).equals(jpeg)).toBe(true);
    });

    it('recognises the same file twice on one demand, and accepts it on another demand', async () => {
      const numero = await aDemand();
      const other = await aDemand();
      const pdf = await textPdf('Avis imposition 2024');
      const first = await upload(numero, { bytes: pdf, category: 'REVFIS', documentType: 'AVIMP' });
      expect(first.status).toBe(201);
      const before = await storedFiles();
      const again = await upload(numero, {
        bytes: pdf,
        category: 'IDD',
        documentType: 'CID',
        filename: 'autre-nom.pdf',
      });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({
        code: 'conflict',
        details: {
          code: 'duplicate-file',
          documentId: first.body.document.documentId,
          sha256: sha256(pdf),
          state: 'active',
        },
      });
      expect(await storedFiles()).toEqual(before);
      expect((await upload(other, { bytes: pdf })).status).toBe(201);
    });

    it('attaches documents to active demands and demands awaiting validation only', async () => {
      const waiting = await aDemand({ state: 'awaiting-validation' });
      const radiated = await aDemand({ state: 'radiated' });
      expect((await upload(waiting, { bytes: await textPdf('en attente') })).status).toBe(201);
      const refused = await upload(radiated, { bytes: await textPdf('radiée') });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.issues).toEqual([
        { path: '/numeroUnique', message: 'demand-not-accepting-documents' },
      ]);
      const unknown = await upload('057 0125 999999 10691', { bytes: await textPdf('inconnue') });
      expect(unknown.status).toBe(404);
    });
  });

  describe('bad input: a clear error, nothing stored', () => {
    let numero: string;
    beforeAll(async () => {
      numero = await aDemand();
      rawNumero = numero;
    });

    const refused = async (input: Upload, headers: Record<string, string> = METZ) => {
      const before = await storedFiles();
      const answer = await upload(numero, input, headers);
      expect(await storedFiles()).toEqual(before);
      const listed = await http('GET', documentsPath(numero), METZ);
      expect(listed.body.documents).toEqual([]);
      return answer;
    };

    it('413 above the portal limit, while the guichet channel takes the same file', async () => {
      const big = Buffer.concat([await textPdf('gros'), Buffer.alloc(PORTAL_LIMIT, 0x20)]);
      const answer = await refused({ bytes: big, channel: 'portal' });
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatchObject({
        code: 'file-too-large',
        details: { limitBytes: PORTAL_LIMIT, channel: 'portal' },
      });
      const tooBigAnywhere = await refused({
        bytes: Buffer.concat([big, Buffer.alloc(SCAN_LIMIT, 0x20)]),
      });
      expect(tooBigAnywhere.status).toBe(413);
      expect(tooBigAnywhere.body.error.details).toMatchObject({ limitBytes: SCAN_LIMIT });
    });

    it('413 at once for a body declaring more than the largest file, before any of it is read', async () => {
      const { status, body, sentAtAnswer } = await rawUpload({
        declaredBytes: 1_000_000_000,
        maxBytes: 0,
      });
      expect({ status, sentAtAnswer }).toEqual({ status: 413, sentAtAnswer: 0 });
      expect(body.error).toMatchObject({
        code: 'file-too-large',
        details: { limitBytes: SCAN_LIMIT, declaredBytes: 1_000_000_000 },
      });
    });

    it('413 for a streamed file as soon as it passes its limit; a client sending on is cut off', async () => {
      const before = await storedFiles();
      const { status, body, sentAtAnswer, cutAfterMs } = await rawUpload({
        channel: 'portal',
        maxBytes: 1_000_000_000,
      });
      expect(status).toBe(413);
      expect(body.error.details).toMatchObject({ limitBytes: PORTAL_LIMIT, channel: 'portal' });
      // The portal's limit is 200 kB: the answer came long before the client stopped.
      expect(sentAtAnswer).toBeLessThan(20_000_000);
      // The rest is read and dropped for 10 s at most, then the connection is cut.
      expect(cutAfterMs).toBeLessThan(12_000);
      expect(await storedFiles()).toEqual(before);
    }, 30_000);

    it('keeps nothing of an upload whose client goes away in the middle of the file', async () => {
      const before = await storedFiles();
      const { request, fileHead } = openRawUpload({});
      request.write(fileHead());
      request.write(Buffer.alloc(600_000, 0x20));
      // Past GridFS's 255 kB chunks: the file was being written when the client left.
      await waitFor(async () => (await storedFiles()).chunks > before.chunks, {
        description: 'the first chunks of the upload stored',
      });
      request.destroy();
      await waitFor(
        async () => {
          const now = await storedFiles();
          return now.files === before.files && now.chunks === before.chunks;
        },
        { description: 'what the abandoned upload wrote removed' },
      );
    });

    it('415 for anything but PDF, JPEG and PNG, whatever the name says', async () => {
      const zip = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(500, 1)]);
      const answer = await refused({
        bytes: zip,
        filename: 'avis.pdf',
        declaredType: 'application/pdf',
      });
      expect(answer.status).toBe(415);
      expect(answer.body.error).toMatchObject({
        code: 'unsupported-file-type',
        details: { accepted: ['application/pdf', 'image/jpeg', 'image/png'] },
      });
      const html = await refused({
        bytes: Buffer.from('<html>%PDF-1.7</html>'),
        filename: 'x.pdf',
      });
      expect(html.status).toBe(415);
    });

    it('422 for a corrupt PDF: truncated, or a PDF header on garbage', async () => {
      const pdf = await textPdf('tronqué', 3);
      const truncated = await refused({ bytes: pdf.subarray(0, Math.floor(pdf.length / 2)) });
      expect(truncated.status).toBe(422);
      expect(truncated.body.error).toMatchObject({
        code: 'corrupt-file',
        details: { reason: expect.any(String) },
      });
      const garbage = await refused({
        bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2_000, 0x41)]),
      });
      expect(garbage.status).toBe(422);
    });

    it('400 for an empty file', async () => {
      const answer = await refused({ bytes: Buffer.alloc(0) });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.issues).toEqual([{ path: '/file', message: 'empty-file' }]);
    });

    it.each([
      ['../../etc/passwd.pdf', 'directory'],
      ['..\\..\\windows\\system32.pdf', 'directory'],
      ['.hidden.pdf', 'dot'],
    ])('400 for the file name %j', async (filename, reason) => {
      const answer = await refused({ bytes: await textPdf(`nom ${filename}`), filename });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.issues).toEqual([
        { path: '/file/filename', message: expect.stringContaining(reason) },
      ]);
    });

    it('400 for an unknown category or a type of another category', async () => {
      const category = await refused({ bytes: await textPdf('cat'), category: 'XYZ' });
      expect(category.status).toBe(400);
      expect(category.body.error.details.issues).toEqual([
        { path: '/category', message: 'unknown-category' },
      ]);
      const type = await refused({
        bytes: await textPdf('type'),
        category: 'IDD',
        documentType: 'JUSTL',
      });
      expect(type.status).toBe(400);
      expect(type.body.error.details.issues).toEqual([
        { path: '/documentType', message: 'unknown-document-type' },
      ]);
    });

    it('403 for a demand of another territory, and for consultants', async () => {
      const paris = await refused({ bytes: await textPdf('paris') }, PARIS);
      expect(paris.status).toBe(403);
      expect(paris.body.error).toMatchObject({
        code: 'forbidden',
        details: { code: 'outside-territory', department: '057' },
      });
      expect((await refused({ bytes: await textPdf('consultant') }, SENSIBLE)).status).toBe(403);
    });

    it('400 for a body that is not multipart, or has no file', async () => {
      const json = await http('POST', documentsPath(numero), METZ, { category: 'IDD' });
      expect(json.status).toBe(400);
      const form = new FormData();
      form.append('category', 'IDD');
      form.append('documentType', 'CID');
      const noFile = await fetch(`${api}${documentsPath(numero)}`, {
        method: 'POST',
        headers: METZ,
        body: form,
      });
      expect(noFile.status).toBe(400);
      expect(((await noFile.json()) as any).error.details.issues[0].path).toBe('/file');
    });
  });

  describe('category limits', () => {
    it('takes 15 payslips, refuses the 16th with 422, and counts a quarantined one out', async () => {
      const numero = await aDemand();
      const ids: string[] = [];
      for (let month = 1; month <= 15; month++) {
        const answer = await upload(numero, {
          bytes: await textPdf(`Bulletin de salaire ${month}/2025`),
          category: 'RESMEN',
          documentType: 'BULSAL',
          filename: `bulletin-${month}.pdf`,
        });
        expect(answer.status).toBe(201);
        ids.push(answer.body.document.documentId);
      }
      const before = await storedFiles();
      const sixteenth = await upload(numero, {
        bytes: await textPdf('Bulletin de salaire 16'),
        category: 'RESMEN',
        documentType: 'BULSAL',
      });
      expect(sixteenth.status).toBe(422);
      expect(sixteenth.body.error).toMatchObject({
        code: 'rule-violation',
        details: { issues: [{ path: '/category', message: 'category-limit-reached' }] },
      });
      expect(await storedFiles()).toEqual(before);

      expect((await http('DELETE', `${documentsPath(numero)}/${ids[0]}`, METZ)).status).toBe(200);
      const replacement = await upload(numero, {
        bytes: await textPdf('Bulletin de salaire 16 bis'),
        category: 'RESMEN',
        documentType: 'BULSAL',
      });
      expect(replacement.status).toBe(201);
      const restore = await http('POST', `${documentsPath(numero)}/${ids[0]}/restoration`, METZ);
      expect(restore.status).toBe(422);
      expect(restore.body.error.details.issues).toEqual([
        { path: '/category', message: 'category-limit-reached' },
      ]);
    });
  });

  describe('concurrent uploads', () => {
    it('gives the last places of a category to exactly as many uploads as fit', async () => {
      const numero = await aDemand();
      const files = await Promise.all(
        Array.from({ length: 8 }, (_, n) => textPdf(`Pièce d'identité concurrente ${n}`)),
      );
      const answers = await Promise.all(files.map((bytes) => upload(numero, { bytes })));
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([201, 201, 201, 201, 201, 422, 422, 422]);
      const listed = await http('GET', documentsPath(numero), METZ);
      expect(listed.body.documents).toHaveLength(5);
    });

    it('stores the same file sent twice at once only once', async () => {
      const numero = await aDemand();
      const pdf = await textPdf('Doublon simultané');
      const before = await storedFiles();
      const answers = await Promise.all([
        upload(numero, { bytes: pdf }),
        upload(numero, { bytes: pdf }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      const after = await storedFiles();
      expect(after.files).toBe(before.files + 1);
      expect((await http('GET', documentsPath(numero), METZ)).body.documents).toHaveLength(1);
    });
  });

  describe('events', () => {
    it('publishes a change a crash left unpublished (the outbox sweep)', async () => {
      const numero = await aDemand();
      const created = await upload(numero, { bytes: await textPdf('Avant la panne') });
      const document = created.body.document;
      // What a process that died between its write and the relay leaves: version 2 saved with its
      // event, nobody told to publish it.
      const repository = app.get(DocumentRepository);
      const { categoryLabel: _c, documentTypeLabel: _t, relevanceLabel: _r, ...stored } = document;
      const changed = { ...stored, version: 2, relevance: 'PR' };
      const event = createEvent({
        type: DocumentEventTypes.Updated,
        source: '/sne/document-ingestion',
        subject: numero,
        correlationId: 'crash-test',
        data: {
          documentId: document.documentId,
          numeroUnique: numero,
          category: 'IDD',
          documentType: 'CID',
          sensitive: false,
          version: 2,
          state: 'active' as const,
          relevance: 'PR',
        },
      });
      await repository.save(changed, event, [], new Date());
      const events = await waitFor(
        () => eventsOf(document.documentId).length === 2 && eventsOf(document.documentId),
        {
          timeoutMs: 15_000,
          description: 'the swept event',
        },
      );
      expect(events.map((e) => [e.type, e.data.version])).toEqual([
        ['sne.document.added.v1', 1],
        ['sne.document.updated.v1', 2],
      ]);
      expect(await repository.isPublished(document.documentId, 2)).toBe(true);
    });
  });

  describe('access by profile and territory', () => {
    let numero: string;
    let identity: string;
    let payslip: string;
    beforeAll(async () => {
      numero = await aDemand();
      identity = (await upload(numero, { bytes: await textPdf('CNI accès') })).body.document
        .documentId;
      payslip = (
        await upload(numero, {
          bytes: await textPdf('Fiche de paie accès'),
          category: 'RESMEN',
          documentType: 'BULSAL',
        })
      ).body.document.documentId;
    });

    const listed = async (headers: Record<string, string>) => {
      const answer = await http('GET', documentsPath(numero), headers);
      return answer.status === 200
        ? (answer.body.documents as any[]).map((document) => document.documentId)
        : answer.status;
    };

    it('consultant simple: the list of non-sensitive documents, not their content', async () => {
      expect(await listed(SIMPLE)).toEqual([identity]);
      const content = await download(numero, identity, SIMPLE);
      expect(content.status).toBe(403);
      expect(((await content.json()) as any).error.details.code).toBe('content-not-allowed');
      expect((await http('GET', `${documentsPath(numero)}/${payslip}`, SIMPLE)).status).toBe(403);
    });

    it('consultant demande: non-sensitive documents and their content', async () => {
      expect(await listed(DEMANDE)).toEqual([identity]);
      expect((await download(numero, identity, DEMANDE)).status).toBe(200);
      expect((await download(numero, payslip, DEMANDE)).status).toBe(403);
    });

    it('consultant sensible and the registering guichet: every document', async () => {
      expect(await listed(SENSIBLE)).toEqual([identity, payslip]);
      expect(await listed(METZ)).toEqual([identity, payslip]);
      expect((await download(numero, payslip, SENSIBLE)).status).toBe(200);
      expect((await download(numero, payslip, METZ)).status).toBe(200);
    });

    it('nobody outside the territory, whatever the profile', async () => {
      expect(await listed(SENSIBLE_PARIS)).toBe(403);
      expect(await listed(PARIS)).toBe(403);
      expect((await download(numero, payslip, SENSIBLE_PARIS)).status).toBe(403);
    });

    it('audit-logs every download, and only downloads that happened', async () => {
      const audit = await kafka.auditEntries(
        (entry) => entry.numeroUniques.includes(numero) && entry.action === 'download-document',
        3,
      );
      expect(audit.map((entry) => [entry.who, entry.documentId])).toEqual([
        ['operator:consultant.demande', identity],
        ['operator:consultant.sensible', payslip],
        ['guichet:10691', payslip],
      ]);
      // A refused download is a refusal in the trail, never a download.
      const refusals = await kafka.auditEntries(
        (entry) => entry.numeroUniques.includes(numero) && entry.action === 'access-refused',
        2,
      );
      expect(refusals.map((entry) => entry.who)).toEqual(
        expect.arrayContaining(['operator:consultant.simple', 'operator:consultant.demande']),
      );
    });

    it("keeps sensitive documents out of a consultant's journal", async () => {
      const journal = await http('GET', `${documentsPath(numero)}/journal`, SIMPLE);
      expect(new Set(journal.body.entries.map((entry: any) => entry.documentId))).toEqual(
        new Set([identity]),
      );
    });
  });

  describe('changes, quarantine, restoration, purge and the journal', () => {
    let numero: string;
    let id: string;
    let pdf: Buffer;
    // The purge moves the app's clock a month on; the tests after it live in the present.
    afterAll(() => clock.reset());
    beforeAll(async () => {
      numero = await aDemand();
      pdf = await textPdf('Quittance journal');
      id = (
        await upload(numero, {
          bytes: pdf,
          category: 'LOGACT',
          documentType: 'JUSTL',
          relevance: 'NV',
        })
      ).body.document.documentId;
    });

    it('changes the relevance and the end of validity, journaling old and new values', async () => {
      const changed = await http(
        'PATCH',
        `${documentsPath(numero)}/${id}`,
        { ...METZ, 'if-match': '"1"' },
        { relevance: 'PR', validUntil: '2026-12-31' },
      );
      expect(changed.status).toBe(200);
      expect(changed.body.document).toMatchObject({
        version: 2,
        relevance: 'PR',
        validUntil: '2026-12-31',
      });
      const stale = await http(
        'PATCH',
        `${documentsPath(numero)}/${id}`,
        { ...METZ, 'if-match': '"1"' },
        {
          relevance: 'HP',
        },
      );
      expect(stale.status).toBe(409);
      const badField = await http('PATCH', `${documentsPath(numero)}/${id}`, METZ, {
        category: 'IDD',
      });
      expect(badField.status).toBe(400);

      const journal = await http(
        'GET',
        `${documentsPath(numero)}/journal?eventType=modification`,
        METZ,
      );
      expect(journal.body.entries).toHaveLength(1);
      expect(journal.body.entries[0]).toMatchObject({
        eventType: 'modification',
        by: 'guichet:10691',
        changes: [
          { field: 'relevance', from: 'NV', to: 'PR' },
          { field: 'validUntil', from: null, to: '2026-12-31' },
        ],
        description:
          "Modification d'une pièce de catégorie LOGACT et de type JUSTL. Le champ IndicePertinence est passé de la valeur NV à la valeur PR. Le champ DateFinValidite est passé de la valeur (vide) à la valeur 2026-12-31.",
      });
    });

    it('deleting puts the document in quarantine; restoring brings it back', async () => {
      const deleted = await http(
        'DELETE',
        `${documentsPath(numero)}/${id}?motive=PGP%20%3A%20Non%20v%C3%A9rifi%C3%A9`,
        METZ,
      );
      expect(deleted.status).toBe(200);
      expect(deleted.body.document).toMatchObject({
        state: 'quarantined',
        quarantineMotive: 'PGP : Non vérifié',
        version: 3,
      });
      expect((await http('GET', documentsPath(numero), METZ)).body.documents).toEqual([]);
      const withQuarantine = await http(
        'GET',
        `${documentsPath(numero)}?includeQuarantined=true`,
        METZ,
      );
      expect(withQuarantine.body.documents.map((d: any) => [d.documentId, d.state])).toEqual([
        [id, 'quarantined'],
      ]);
      expect(
        (await http('GET', `${documentsPath(numero)}?includeQuarantined=true`, SENSIBLE)).status,
      ).toBe(403);
      expect((await http('DELETE', `${documentsPath(numero)}/${id}`, METZ)).status).toBe(409);
      // The same file again is recognised, quarantined or not.
      const again = await upload(numero, { bytes: pdf, category: 'LOGACT', documentType: 'JUSTL' });
      expect(again.status).toBe(409);
      expect(again.body.error.details).toMatchObject({ documentId: id, state: 'quarantined' });

      const restored = await http('POST', `${documentsPath(numero)}/${id}/restoration`, METZ);
      expect(restored.status).toBe(200);
      expect(restored.body.document).toMatchObject({ state: 'active', version: 4 });
      expect(restored.body.document.quarantinedAt).toBeUndefined();
      expect((await http('GET', documentsPath(numero), METZ)).body.documents).toHaveLength(1);

      const events = await waitFor(() => eventsOf(id).length === 4 && eventsOf(id));
      expect(events.map((event) => [event.type, event.data.version, event.data.state])).toEqual([
        ['sne.document.added.v1', 1, 'active'],
        ['sne.document.updated.v1', 2, 'active'],
        ['sne.document.quarantined.v1', 3, 'quarantined'],
        ['sne.document.restored.v1', 4, 'active'],
      ]);
    });

    it('searches the journal by event type, category, type and dates, newest first', async () => {
      const all = await http('GET', `${documentsPath(numero)}/journal`, METZ);
      // Newest first; the lines of one change keep their order.
      expect(all.body.entries.map((entry: any) => entry.eventType)).toEqual([
        'restoration',
        'deletion',
        'quarantine',
        'modification',
        'creation',
        'file-added',
      ]);
      const quarantine = await http(
        'GET',
        `${documentsPath(numero)}/journal?eventType=quarantine`,
        METZ,
      );
      expect(quarantine.body.entries).toEqual([
        expect.objectContaining({
          description:
            "Mise en quarantaine suite à suppression d'une pièce de catégorie LOGACT et de type JUSTL : Motif PGP : Non vérifié",
        }),
      ]);
      expect(
        (await http('GET', `${documentsPath(numero)}/journal?category=IDD`, METZ)).body.entries,
      ).toEqual([]);
      expect(
        (
          await http(
            'GET',
            `${documentsPath(numero)}/journal?category=LOGACT&documentType=JUSTL`,
            METZ,
          )
        ).body.entries,
      ).toHaveLength(6);
      const today = clock.now().toISOString().slice(0, 10);
      expect(
        (await http('GET', `${documentsPath(numero)}/journal?from=${today}&to=${today}`, METZ)).body
          .entries,
      ).toHaveLength(6);
      expect(
        (await http('GET', `${documentsPath(numero)}/journal?to=2000-01-01`, METZ)).body.entries,
      ).toEqual([]);
      expect(
        (await http('GET', `${documentsPath(numero)}/journal?eventType=nope`, METZ)).status,
      ).toBe(400);
    });

    it('exports the journal as CSV', async () => {
      const response = await fetch(`${api}${documentsPath(numero)}/journal?format=csv`, {
        headers: METZ,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      const csv = Buffer.from(await response.arrayBuffer()).toString('utf8');
      const lines = csv
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe(
        'categorie;type;code_categorie;code_type;evenement;date;par;description;id_piece',
      );
      expect(lines).toHaveLength(7);
      expect(lines[1]).toMatch(
        new RegExp(
          `^Logement actuel;Quittance ou tout autre justificatif de loyer à jour;LOGACT;JUSTL;Restauration;.*;guichet:10691;.*;${id}$`,
        ),
      );
    });

    it('purges the file once the retention has passed: no restoring, no downloading', async () => {
      const deleted = await http('DELETE', `${documentsPath(numero)}/${id}`, METZ);
      expect(deleted.status).toBe(200);
      const purgeNow = await http('POST', '/operations/purge', operatorAuth());
      expect(purgeNow.body).toEqual({ purged: 0 });
      expect((await http('POST', '/operations/purge', METZ)).status).toBe(403);

      // Tokens are checked on real time, the retention on the app's clock.
      clock.advance(31 * 86_400_000);
      const purged = await http('POST', '/operations/purge', operatorAuth());
      expect(purged.status).toBe(200);
      expect(purged.body.purged).toBeGreaterThanOrEqual(1);
      const document = await http('GET', `${documentsPath(numero)}/${id}`, METZ);
      expect(document.body.document).toMatchObject({ state: 'purged', lastChangedBy: 'system' });
      const announced = await waitFor(() =>
        eventsOf(id).find((event) => event.type === DocumentEventTypes.Purged),
      );
      expect(announced.data).toMatchObject({ state: 'purged', documentId: id });
      expect(announced).not.toHaveProperty('guichet');
      expect((await download(numero, id, METZ)).status).toBe(404);
      expect((await http('POST', `${documentsPath(numero)}/${id}/restoration`, METZ)).status).toBe(
        409,
      );
      const gridFs = await connection
        .db!.collection('documents.files')
        .countDocuments({ _id: id as never });
      expect(gridFs).toBe(0);
      const journal = await http('GET', `${documentsPath(numero)}/journal?eventType=purge`, METZ);
      expect(journal.body.entries).toHaveLength(1);
      // Purged, the bytes may come back as a new document.
      expect(
        (await upload(numero, { bytes: pdf, category: 'LOGACT', documentType: 'JUSTL' }, METZ))
          .status,
      ).toBe(201);
    });
  });

  describe('the applicant on the portal', () => {
    const email = `zoe.lefevre.${isolation.id}@example.fr`;
    const APPLICANT = {
      authorization: `Bearer ${signTestToken({ kind: 'applicant', id: 'account-zoe', email })}`,
    };
    const portalPath = (numero: string) =>
      `/portal/demands/${encodeURIComponent(numero)}/documents`;
    const portalUpload = async (numero: string, input: Upload) => {
      const form = new FormData();
      form.append('category', input.category ?? 'IDD');
      form.append('documentType', input.documentType ?? 'CID');
      if (input.channel) form.append('channel', input.channel);
      form.append(
        'file',
        new Blob([new Uint8Array(input.bytes)], { type: 'application/pdf' }),
        'piece.pdf',
      );
      const response = await fetch(`${api}${portalPath(numero)}`, {
        method: 'POST',
        headers: APPLICANT,
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    let own: string;
    let internalNote: string;
    beforeAll(async () => {
      own = await aDemand({ contact: { email: email.toUpperCase() } });
      internalNote = (
        await upload(own, {
          bytes: await textPdf('Note interne'),
          category: 'DOCINT',
          documentType: 'NOTEINT',
        })
      ).body.document.documentId;
    });

    it('adds documents to their own demand through the portal channel and its limit', async () => {
      const payslip = await portalUpload(own, {
        bytes: await textPdf('Ma fiche de paie'),
        category: 'RESMEN',
        documentType: 'BULSAL',
        // The form cannot choose the larger limit of the guichets.
        channel: 'guichet',
      });
      expect(payslip.status).toBe(201);
      expect(payslip.body.document).toMatchObject({
        channel: 'portal',
        createdBy: 'applicant:account-zoe',
      });
      const big = await portalUpload(own, {
        bytes: Buffer.concat([await textPdf('gros'), Buffer.alloc(PORTAL_LIMIT, 0x20)]),
      });
      expect(big.status).toBe(413);
      expect(big.body.error.details).toMatchObject({ limitBytes: PORTAL_LIMIT, channel: 'portal' });
      const internal = await portalUpload(own, {
        bytes: await textPdf('interne'),
        category: 'DOCINT',
        documentType: 'NOTEINT',
      });
      expect(internal.status).toBe(403);
      expect(internal.body.error.details.code).toBe('internal-category');
    });

    it("sees their documents, sensitive ones included, not the guichets' internal notes", async () => {
      const listed = await http('GET', portalPath(own), APPLICANT);
      expect(listed.status).toBe(200);
      expect(listed.body.documents.map((document: any) => document.category)).toEqual(['RESMEN']);
      const id = listed.body.documents[0].documentId;
      const content = await fetch(`${api}${portalPath(own)}/${id}/content`, { headers: APPLICANT });
      expect(content.status).toBe(200);
      await kafka.auditEntries(
        (entry) => entry.numeroUniques.includes(own) && entry.who === 'applicant:account-zoe',
      );
      expect(
        (await fetch(`${api}${portalPath(own)}/${internalNote}/content`, { headers: APPLICANT }))
          .status,
      ).toBe(403);
      // The guichet still sees both.
      expect((await http('GET', documentsPath(own), METZ)).body.documents).toHaveLength(2);
    });

    it('deletes their own document into quarantine, not an internal one', async () => {
      const [mine] = (await http('GET', portalPath(own), APPLICANT)).body.documents;
      const deleted = await http('DELETE', `${portalPath(own)}/${mine.documentId}`, APPLICANT);
      expect(deleted.status).toBe(200);
      expect(deleted.body.document).toMatchObject({
        state: 'quarantined',
        quarantineMotive: 'Suppression par le demandeur',
      });
      expect((await http('DELETE', `${portalPath(own)}/${internalNote}`, APPLICANT)).status).toBe(
        404,
      );
      const journal = await http('GET', `${documentsPath(own)}/journal?eventType=quarantine`, METZ);
      expect(journal.body.entries[0]).toMatchObject({ by: 'applicant:account-zoe' });
    });

    it('knows no other demand, and no guichet route', async () => {
      const other = await aDemand();
      expect((await http('GET', portalPath(other), APPLICANT)).status).toBe(404);
      expect((await portalUpload(other, { bytes: await textPdf('ailleurs') })).status).toBe(404);
      expect((await http('GET', documentsPath(own), APPLICANT)).status).toBe(403);
      expect((await http('GET', portalPath(own), METZ)).status).toBe(403);
    });
  });

  describe('scanned batches', () => {
    const smtp = new SmtpSinkClient(testStack().smtpSinkApiUrl);
    const guichet = { code: '10691', name: 'Metz Habitat Territoire', department: '057' };
    const applicant = { lastName: 'Lefèvre', firstNames: 'Zoé' };
    const generatedAt = new Date('2026-01-05T08:00:00Z');

    const sheet = (numeroUnique: string, pageCount: number) =>
      summarySheetPdf(
        {
          numeroUnique,
          applicant,
          guichet,
          documentCount: 1,
          pageCount,
          filledOn: generatedAt,
          generatedAt,
        },
        qrKeys.privateKey,
      );
    const slip = (demands: Array<{ numeroUnique: string; pageCount: number }>) =>
      transmittalSlipPdf(
        { guichet, batchId: `ENV-${demands.length}`, sentOn: generatedAt, demands, generatedAt },
        qrKeys.privateKey,
      );

    /** Pages scanned at 100 dpi, each slightly askew and speckled like a real scan. */
    const scanned = async (pages: Buffer[]) => {
      const scans: Buffer[] = [];
      for (const [index, pdf] of pages.entries()) {
        const tilt = [0.8, -1.5, 2.2, 0.4, -0.6, 1.2][index % 6] ?? 0;
        scans.push(
          scanLikePng(await pageAsPng(pdf, 100), { degrees: tilt, seed: index, speckle: 0.01 }),
        );
      }
      return imagesToPdf(scans);
    };

    const submit = async (batch: Buffer, fields: Record<string, string>, headers = METZ) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append(
        'file',
        new Blob([new Uint8Array(batch)], { type: 'application/pdf' }),
        'lot.pdf',
      );
      const response = await fetch(`${api}/scanned-batches`, {
        method: 'POST',
        headers,
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };

    const processed = (batchId: string) =>
      waitFor(
        async () => {
          const answer = await http('GET', `/scanned-batches/${batchId}`, METZ);
          return answer.body.batch?.status === 'done' && answer.body.batch;
        },
        { timeoutMs: 120_000, intervalMs: 500, description: `batch ${batchId} processed` },
      );

    it('splits a batch of 3 demands at their summary sheets, attaches each, and mails the report', async () => {
      const numeros = [await aDemand(), await aDemand(), await aDemand()];
      const pieces = [
        [await textPdf('Avis d’imposition 2025'), await textPdf('Bulletin de salaire')],
        [await textPdf('Quittance de loyer')],
        [await textPdf('Carte d’identité recto'), await textPdf('Carte d’identité verso')],
      ];
      const pages = [
        await slip(
          numeros.map((numeroUnique, n) => ({ numeroUnique, pageCount: pieces[n].length + 1 })),
        ),
      ];
      for (const [n, numero] of numeros.entries())
        pages.push(await sheet(numero, pieces[n].length + 1), ...pieces[n]);
      const batch = await scanned(pages);
      const referent = `referent.${isolation.id}@example.fr`;

      const submitted = await submit(batch, { notifyEmail: referent });
      expect({ status: submitted.status, size: batch.length }).toEqual({
        status: 202,
        size: expect.any(Number),
      });

      expect(submitted.body.batch).toMatchObject({ status: 'queued', file: { pages: 9 } });
      const done = await processed(submitted.body.batch.batchId);

      expect(done.rejected).toEqual([]);
      expect(
        done.placed.map((placement: any) => [placement.numeroUnique, placement.pages]),
      ).toEqual([
        [numeros[0], [3, 4]],
        [numeros[1], [6]],
        [numeros[2], [8, 9]],
      ]);
      for (const [n, numero] of numeros.entries()) {
        const listed = (await http('GET', documentsPath(numero), METZ)).body.documents;
        expect(listed).toHaveLength(1);
        expect(listed[0]).toMatchObject({
          category: 'DOCINT',
          documentType: 'NUMPAP',
          file: { contentType: 'application/pdf', pages: pieces[n].length },
        });
      }
      const [mail] = await smtp.waitForMessages(1, { filter: { to: referent }, timeoutMs: 20_000 });
      expect(mail.subject).toBe(
        'Numérisation des pièces justificatives : 3 demande(s) téléversée(s), 0 rejet(s)',
      );
      expect(mail.text).toContain(`- ${numeros[2]} : pages 8 à 9 (2 page(s))`);
      expect(done.notification.to).toEqual([referent]);

      // A job run again (a worker that crashed after mailing, before saving the batch) attaches
      // nothing twice and does not mail the report again.
      const repository = app.get(BatchRepository);
      const { notification: _mailed, ...stored } = (await repository.find(done.batchId))!;
      await repository.save({ ...stored, status: 'processing' });
      const again = await app.get(BatchesService).process(done.batchId);
      expect(
        again.placed.map((placement) => [placement.documentId, placement.alreadyAttached]),
      ).toEqual(done.placed.map((placement: any) => [placement.documentId, true]));
      for (const numero of numeros)
        expect((await http('GET', documentsPath(numero), METZ)).body.documents).toHaveLength(1);
      expect(again.notification).toEqual(done.notification);
      expect(await smtp.messages({ to: referent })).toHaveLength(1);
    });

    it('mails the report once when the job fails after mailing and BullMQ runs it again', async () => {
      const numero = await aDemand();
      const pages = [
        await slip([{ numeroUnique: numero, pageCount: 2 }]),
        await sheet(numero, 2),
        await textPdf('Justificatif de domicile'),
      ];
      const referent = `relance.${isolation.id}@example.fr`;
      const repository = app.get(BatchRepository);
      const save = repository.save.bind(repository);
      let crashes = 0;
      // The worker dies between the mail and the batch's save, once.
      const crash = jest.spyOn(repository, 'save').mockImplementation(async (batch) => {
        if (batch.status === 'done' && crashes++ === 0) throw new Error('worker crashed');
        return save(batch);
      });
      try {
        const submitted = await submit(await scanned(pages), { notifyEmail: referent });
        expect(submitted.status).toBe(202);
        const done = await processed(submitted.body.batch.batchId);

        expect(crashes).toBe(2);
        expect(done.placed).toEqual([expect.objectContaining({ alreadyAttached: true })]);
        const mails = await smtp.messages({ to: referent });
        expect(mails.map((mail) => mail.subject)).toEqual([
          'Numérisation des pièces justificatives : 1 demande(s) téléversée(s), 0 rejet(s)',
        ]);
        // The second run reports the first run's mail.
        expect(done.notification).toEqual({ to: [referent], sentAt: expect.any(String) });
        expect(Date.parse(done.notification.sentAt)).toBeLessThanOrEqual(
          Date.parse(done.processedAt),
        );
      } finally {
        crash.mockRestore();
      }
    });

    it("lists a day's batches for their uploader and the managers, and the queue for managers", async () => {
      const numero = await aDemand();
      const submitted = await submit(
        await scanned([
          await slip([{ numeroUnique: numero, pageCount: 2 }]),
          await sheet(numero, 2),
          await textPdf('Quittance'),
        ]),
        { notifyEmail: `liste.${isolation.id}@example.fr` },
      );
      const batchId = submitted.body.batch.batchId as string;
      await processed(batchId);
      const day = parisDate(new Date(submitted.body.batch.receivedAt as string));

      const today = await http('GET', '/scanned-batches', METZ);
      expect(today.status).toBe(200);
      expect(today.body.day).toBe(day);
      const mine = today.body.batches as Array<Record<string, any>>;
      expect(mine.map((batch) => batch.batchId)).toContain(batchId);
      expect(mine.find((batch) => batch.batchId === batchId)).toMatchObject({
        status: 'done',
        placed: [expect.objectContaining({ numeroUnique: numero })],
      });
      expect(mine.every((batch) => !('principal' in batch))).toBe(true);
      expect(
        (await http('GET', `/scanned-batches?day=${day}`, operatorAuth())).body.batches.map(
          (batch: any) => batch.batchId,
        ),
      ).toContain(batchId);
      expect((await http('GET', `/scanned-batches?day=${day}`, PARIS)).body.batches).toEqual([]);
      expect((await http('GET', '/scanned-batches?day=1999-01-01', METZ)).body.batches).toEqual([]);
      expect((await http('GET', '/scanned-batches?day=2026-13-01', METZ)).status).toBe(400);

      const queue = await http('GET', '/scanned-batches/queue', operatorAuth());
      expect(queue.status).toBe(200);
      expect(queue.body).toMatchObject({
        name: 'document-batches',
        counts: { waiting: expect.any(Number), completed: expect.any(Number) },
      });
      expect(queue.body.counts.completed).toBeGreaterThanOrEqual(1);
      expect((await http('GET', '/scanned-batches/queue', METZ)).status).toBe(403);

      const consoleApp = await signedInConsole(
        isolation,
        identityProvider,
        (env) => ConsoleModule.forRoot(loadConsoleConfig(env)),
        { DOCUMENT_INGESTION_URL: api },
        { login: 'admin.national', roles: ['national-admin'], territory: 'all' },
      );
      try {
        const page = await (
          await consoleApp.browser.get(`${consoleApp.url}/documents?day=${day}`)
        ).text();
        expect(page).toContain(`Lots reçus le ${day}`);
        expect(page).toContain(`${numero} (p. 3)`);
        expect(page).toContain('traité');
        expect(page).toContain(`liste.${isolation.id}@example.fr`);
      } finally {
        await consoleApp.close();
      }
    });

    it('rejects with a reason what it cannot place, and attaches the rest', async () => {
      const active = await aDemand();
      const radiated = await aDemand({ state: 'radiated' });
      const unknown = '057 0126 987654 10691';
      const pages = [
        await slip([
          { numeroUnique: unknown, pageCount: 2 },
          { numeroUnique: radiated, pageCount: 2 },
          { numeroUnique: active, pageCount: 4 },
        ]),
        await textPdf('Page sans fiche'),
        await sheet(unknown, 2),
        await textPdf('Pièce d’un numéro inconnu'),
        await sheet(radiated, 2),
        await textPdf('Pièce d’une demande radiée'),
        // The sheet says 2 pages; 3 follow it.
        await sheet(active, 2),
        await textPdf('Pièce 1'),
        await textPdf('Pièce 2'),
      ];
      const referent = `rejets.${isolation.id}@example.fr`;
      const submitted = await submit(await scanned(pages), { notifyEmail: referent });
      expect(submitted.status).toBe(202);
      const done = await processed(submitted.body.batch.batchId);
      expect(done.placed).toEqual([]);
      expect(
        done.rejected.map((rejection: any) => [
          rejection.reason,
          rejection.pages,
          rejection.numeroUnique,
        ]),
      ).toEqual([
        ['no-summary-sheet', [2], undefined],
        ['unknown-demand', [3, 4], unknown],
        ['demand-not-accepting-documents', [5, 6], radiated],
        ['page-count-mismatch', [7, 8, 9], active],
      ]);
      const [mail] = await smtp.waitForMessages(1, { filter: { to: referent }, timeoutMs: 20_000 });
      expect(mail.subject).toContain('0 demande(s) téléversée(s), 4 rejet(s)');
      expect(mail.text).toContain('- pages 5 à 6 : Demande radiée ou non active');
      expect((await http('GET', documentsPath(active), METZ)).body.documents).toEqual([]);
    });

    it('rejects a whole batch whose slip does not count its pages', async () => {
      const numero = await aDemand();
      const pages = [
        await slip([{ numeroUnique: numero, pageCount: 5 }]),
        await sheet(numero, 2),
        await textPdf('Pièce'),
      ];
      const submitted = await submit(await scanned(pages), {
        notifyEmail: `compte.${isolation.id}@example.fr`,
      });
      const done = await processed(submitted.body.batch.batchId);
      expect(done.placed).toEqual([]);
      expect(done.rejected).toEqual([
        expect.objectContaining({ reason: 'slip-count-mismatch', pages: [1, 2, 3] }),
      ]);
    });

    it('rejects whole a batch that cannot be rendered in time (a compressed bomb), and goes on', async () => {
      const bomb = compressedBombPdf();
      const referent = `bombe.${isolation.id}@example.fr`;
      const submitted = await submit(bomb, { notifyEmail: referent });
      expect(submitted.status).toBe(202);
      const done = await processed(submitted.body.batch.batchId);
      expect(done.placed).toEqual([]);
      expect(done.rejected).toEqual([
        expect.objectContaining({
          reason: 'unreadable-batch',
          pages: [1],
          detail: expect.stringContaining('did not finish within 10000 ms'),
        }),
      ]);
      const [mail] = await smtp.waitForMessages(1, { filter: { to: referent }, timeoutMs: 20_000 });
      expect(mail.subject).toContain('0 demande(s) téléversée(s), 1 rejet(s)');

      // As a single document it is refused at once: its pages do not render in the probe's time.
      const numero = await aDemand();
      const before = await storedFiles();
      const started = Date.now();
      const refused = await upload(numero, { bytes: bomb });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({
        code: 'compressed-content-too-large',
        details: { reason: expect.stringContaining('rendering took more than') },
      });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await storedFiles()).toEqual(before);
    });

    it('refuses at once a batch that is not a PDF, or without a referent address', async () => {
      const png = await submit(aPng(3), { notifyEmail: 'x@example.fr' });
      expect(png.status).toBe(415);
      expect(png.body.error.details.accepted).toEqual(['application/pdf']);
      const noReferent = await submit(await textPdf('lot'), {});
      expect(noReferent.status).toBe(400);
      expect(noReferent.body.error.details.issues).toEqual([
        { path: '/notifyEmail', message: "required: the guichet's referent address" },
      ]);
      expect(
        (await submit(await textPdf('lot'), { notifyEmail: 'x@example.fr' }, SENSIBLE)).status,
      ).toBe(403);
    });
  });
});
