import type { INestApplication } from '@nestjs/common';
import { type DemandSnapshot, DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import { detectActiveContent } from '@sne/domain';
import { MONGO_CONNECTION } from '@sne/persistence';
import { summarySheetPdf, transmittalSlipPdf } from '@sne/printing';
import {
  appEnv,
  applicantAuth,
  factory,
  guichetAuth,
  isolate,
  operatorAuth,
  startApp,
  TestKafka,
  waitFor,
} from '@sne/testing';
import type { Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { generateKeyPairSync } from 'node:crypto';
import {
  HOSTILE_PDF_KINDS,
  hostilePdf,
  withJavaScriptOpenAction,
} from '../libs/printing/src/testing/hostile-pdfs';
import { textPdf, unitedPdf } from '../libs/printing/src/testing/test-pdfs';
import { AppModule } from '../apps/document-ingestion/src/app.module';
import { loadDocumentIngestionConfig } from '../apps/document-ingestion/src/config';

const METZ = guichetAuth('10691', ['057'], 'landlord');
const qrKeys = generateKeyPairSync('ed25519');
const QR_PUBLIC_KEY = Buffer.from(
  qrKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
).toString('base64');

type Mode = 'refuse' | 'neutralise';

describe.each<Mode>(['refuse', 'neutralise'])(
  'PDF active content, PDF_ACTIVE_CONTENT=%s',
  (mode) => {
    const isolation = isolate(`pdf-active-${mode}`);
    const kafka = new TestKafka(isolation.topicPrefix);
    const email = `zoe.${isolation.id}@example.fr`;
    const APPLICANT = applicantAuth('account-zoe', email);
    let app: INestApplication;
    let api: string;
    let producer: Producer;
    let connection: Connection;

    const aDemand = async (overrides: Partial<DemandSnapshot> = {}): Promise<string> => {
      const demand = factory.demand({
        department: '057',
        guichetCode: '10691',
        state: 'active',
        contact: { email },
        ...overrides,
      });
      await producer.send({
        topic: kafka.topic(Topics.DemandEvents),
        messages: [encodeEvent(factory.demandEvent(DemandEventTypes.Registered, demand))],
      });
      await waitFor(
        async () =>
          (
            await fetch(`${api}/demands/${encodeURIComponent(demand.numeroUnique)}/documents`, {
              headers: operatorAuth(),
            })
          ).status === 200,
        { description: `demand ${demand.numeroUnique} known` },
      );
      return demand.numeroUnique;
    };

    /** Both upload channels: the guichets' route and the applicant's on the portal. */
    const channels = {
      guichet: {
        path: (numero: string) => `/demands/${encodeURIComponent(numero)}/documents`,
        headers: METZ,
      },
      portal: {
        path: (numero: string) => `/portal/demands/${encodeURIComponent(numero)}/documents`,
        headers: APPLICANT,
      },
    } as const;

    const upload = async (channel: keyof typeof channels, numero: string, bytes: Buffer) => {
      const form = new FormData();
      form.append('category', 'IDD');
      form.append('documentType', 'CID');
      form.append(
        'file',
        new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }),
        'piece.pdf',
      );
      const response = await fetch(`${api}${channels[channel].path(numero)}`, {
        method: 'POST',
        headers: channels[channel].headers,
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };

    const content = async (numero: string, documentId: string) => {
      const response = await fetch(
        `${api}/demands/${encodeURIComponent(numero)}/documents/${documentId}/content`,
        { headers: METZ },
      );
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };

    const storedFiles = () => connection.db!.collection('documents.files').countDocuments();

    const submitBatch = async (batch: Buffer) => {
      const form = new FormData();
      form.append('notifyEmail', `referent.${isolation.id}@example.fr`);
      form.append(
        'file',
        new Blob([new Uint8Array(batch)], { type: 'application/pdf' }),
        'lot.pdf',
      );
      const response = await fetch(`${api}/scanned-batches`, {
        method: 'POST',
        headers: METZ,
        body: form,
      });
      expect(response.status).toBe(202);
      const batchId = ((await response.json()) as any).batch.batchId as string;
      return waitFor(
        async () => {
          const answer = (await (
            await fetch(`${api}/scanned-batches/${batchId}`, { headers: METZ })
          ).json()) as any;
          return answer.batch?.status === 'done' && answer.batch;
        },
        { timeoutMs: 90_000, intervalMs: 500, description: `batch ${batchId} processed` },
      );
    };

    /** A batch of one demand (slip, summary sheet, a page) carrying a JavaScript OpenAction. */
    const hostileBatch = async (numero: string) => {
      const guichet = { code: '10691', name: 'Metz Habitat Territoire', department: '057' };
      const generatedAt = new Date('2026-01-05T08:00:00Z');
      const batch = await unitedPdf([
        await transmittalSlipPdf(
          {
            guichet,
            batchId: 'ENV-JS',
            sentOn: generatedAt,
            demands: [{ numeroUnique: numero, pageCount: 2 }],
            generatedAt,
          },
          qrKeys.privateKey,
        ),
        await summarySheetPdf(
          {
            numeroUnique: numero,
            applicant: { lastName: 'Lefèvre', firstNames: 'Zoé' },
            guichet,
            documentCount: 1,
            pageCount: 2,
            filledOn: generatedAt,
            generatedAt,
          },
          qrKeys.privateKey,
        ),
        await textPdf(`Quittance ${mode}`),
      ]);
      return withJavaScriptOpenAction(batch);
    };

    beforeAll(async () => {
      await kafka.createPlatformTopics();
      ({ app, url: api } = await startApp(
        AppModule.forRoot(
          loadDocumentIngestionConfig(
            appEnv(isolation, {
              PDF_ACTIVE_CONTENT: mode,
              QR_PUBLIC_KEYS: QR_PUBLIC_KEY,
              POPPLER_TIMEOUT_MS: '10000',
            }),
          ),
        ),
      ));
      connection = app.get<Connection>(MONGO_CONNECTION);
      producer = kafka.kafka.producer();
      await producer.connect();
    });

    afterAll(async () => {
      await producer?.disconnect();
      await app?.close();
      await kafka.cleanup();
    });

    it('takes a clean PDF as it was sent, marked neutralised nowhere', async () => {
      const numero = await aDemand();
      const pdf = await textPdf(`propre ${mode}`);
      const created = await upload('guichet', numero, pdf);
      expect(created.status).toBe(201);
      expect(created.body.document.file.neutralised).toBeUndefined();
      expect((await content(numero, created.body.document.documentId)).equals(pdf)).toBe(true);
    });

    if (mode === 'refuse') {
      it.each(['guichet', 'portal'] as const)(
        '%s channel: 422 with the findings for every hostile PDF, nothing stored',
        async (channel) => {
          const numero = await aDemand();
          const before = await storedFiles();
          for (const kind of HOSTILE_PDF_KINDS) {
            const answer = await upload(
              channel,
              numero,
              await hostilePdf(kind, `${kind} ${channel}`),
            );
            expect({ kind, status: answer.status, code: answer.body.error?.code }).toEqual({
              kind,
              status: 422,
              code: 'active-content',
            });
            expect(answer.body.error.details.findings.length).toBeGreaterThan(0);
          }
          const js = await upload(
            channel,
            numero,
            await hostilePdf('javascript-open-action', `js ${channel}`),
          );
          expect(js.body.error.details.findings).toEqual([
            { kind: 'javascript', where: 'catalog /OpenAction' },
          ]);
          expect(await storedFiles()).toBe(before);
          const listed = await fetch(`${api}${channels.guichet.path(numero)}`, { headers: METZ });
          expect(((await listed.json()) as any).documents).toEqual([]);
        },
      );

      it('refuses a scanned batch with active content as a whole, its reason in the report', async () => {
        const numero = await aDemand();
        const done = await submitBatch(await hostileBatch(numero));
        expect(done.placed).toEqual([]);
        expect(done.rejected).toEqual([
          expect.objectContaining({
            reason: 'active-content',
            pages: [1, 2, 3],
            findings: [{ kind: 'javascript', where: 'catalog /OpenAction' }],
            detail: expect.stringContaining('javascript (catalog /OpenAction)'),
          }),
        ]);
      });
    } else {
      it.each(['guichet', 'portal'] as const)(
        '%s channel: stores every hostile PDF neutralised, and says so',
        async (channel) => {
          const numero = await aDemand();
          for (const kind of HOSTILE_PDF_KINDS) {
            // The category holds 2 documents: each one goes to a demand of its own.
            const target = kind === HOSTILE_PDF_KINDS[0] ? numero : await aDemand();
            const original = await hostilePdf(kind, `${kind} ${channel}`);
            const created = await upload(channel, target, original);
            expect({ kind, status: created.status }).toEqual({ kind, status: 201 });
            const file = created.body.document.file;
            expect(file.neutralised).toMatchObject({
              originalSize: original.length,
              findings: expect.arrayContaining([
                expect.objectContaining({ kind: expect.any(String) }),
              ]),
            });
            const stored = await content(target, created.body.document.documentId);
            expect(stored.equals(original)).toBe(false);
            expect(file).toMatchObject({ size: stored.length });
            expect((await detectActiveContent(stored)).findings).toEqual([]);
          }
        },
      );

      it('neutralises a scanned batch before splitting it; its documents say so', async () => {
        const numero = await aDemand();
        const done = await submitBatch(await hostileBatch(numero));
        expect(done.rejected).toEqual([]);
        expect(done.neutralised.findings).toEqual([
          { kind: 'javascript', where: 'catalog /OpenAction' },
        ]);
        expect(done.placed).toEqual([
          expect.objectContaining({ numeroUnique: numero, pages: [3] }),
        ]);
        const documentId = done.placed[0].documentId as string;
        const listed = (await (
          await fetch(`${api}${channels.guichet.path(numero)}`, { headers: METZ })
        ).json()) as any;
        expect(listed.documents[0].file.neutralised.findings).toEqual([
          { kind: 'javascript', where: 'catalog /OpenAction' },
        ]);
        expect((await detectActiveContent(await content(numero, documentId))).findings).toEqual([]);
      });
    }
  },
);
