import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { INestApplication } from '@nestjs/common';
import { DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import { MONGO_CONNECTION } from '@sne/persistence';
import { summarySheetPdf, transmittalSlipPdf } from '@sne/printing';
import {
  appEnv,
  factory,
  guichetAuth,
  isolate,
  operatorAuth,
  removeTestBucket,
  s3StorageEnv,
  startApp,
  TestKafka,
  testStack,
  waitFor,
} from '@sne/testing';
import type { Producer } from 'kafkajs';
import type { Connection } from 'mongoose';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { AppModule } from '../apps/document-ingestion/src/app.module';
import { loadDocumentIngestionConfig } from '../apps/document-ingestion/src/config';
import { s3Client } from '../apps/document-ingestion/src/documents/s3-file-store';
import { textPdf, unitedPdf } from '../libs/printing/src/testing/test-pdfs';
import { jsonClient } from './support/http-client';

const METZ = guichetAuth('10691', ['057'], 'landlord');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const qrKeys = generateKeyPairSync('ed25519');

/** The document-ingestion app with DOCUMENT_STORAGE=s3, on the local S3-compatible server. */
describe('document-ingestion: files in S3-compatible storage', () => {
  const isolation = isolate('document-storage-s3');
  const kafka = new TestKafka(isolation.topicPrefix);
  const env = appEnv(isolation, {
    ...s3StorageEnv(isolation),
    QUARANTINE_RETENTION_DAYS: '0',
    QR_PUBLIC_KEYS: Buffer.from(
      qrKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ).toString('base64'),
  });
  const bucket = env.S3_BUCKET;
  const stack = testStack();
  const s3 = s3Client({ ...stack.s3, bucket, forcePathStyle: true });
  let app: INestApplication;
  let http: ReturnType<typeof jsonClient>;
  let api: string;
  let producer: Producer;

  const objectKeys = async (prefix: string) =>
    (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents?.map(
      (object) => object.Key,
    ) ?? [];

  const aDemand = async (): Promise<string> => {
    const demand = factory.demand({ department: '057', guichetCode: '10691', state: 'active' });
    await producer.send({
      topic: kafka.topic(Topics.DemandEvents),
      messages: [encodeEvent(factory.demandEvent(DemandEventTypes.Registered, demand))],
    });
    const path = `/demands/${encodeURIComponent(demand.numeroUnique)}/documents`;
    await waitFor(async () => (await http('GET', path, undefined, METZ)).status === 200, {
      description: `demand ${demand.numeroUnique} known to document-ingestion`,
    });
    return demand.numeroUnique;
  };

  const post = async (path: string, fields: Record<string, string>, file: Buffer) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'f.pdf');
    const response = await fetch(`${api}${path}`, { method: 'POST', headers: METZ, body: form });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    await kafka.createPlatformTopics();
    ({ app, url: api } = await startApp(AppModule.forRoot(loadDocumentIngestionConfig(env))));
    http = jsonClient(api);
    producer = kafka.kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await app?.close();
    await kafka.cleanup();
    await removeTestBucket(s3, bucket);
    s3.destroy();
  });

  it('stores an upload as an object, serves it back, and keeps nothing in GridFS', async () => {
    const numero = await aDemand();
    const pdf = await textPdf('Avis d’imposition');
    const created = await post(
      `/demands/${encodeURIComponent(numero)}/documents`,
      { category: 'IDD', documentType: 'CID' },
      pdf,
    );
    expect(created.status).toBe(201);
    const id = created.body.document.documentId as string;

    const object = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `documents/${id}` }));
    expect({ size: object.ContentLength, type: object.ContentType }).toEqual({
      size: pdf.length,
      type: 'application/pdf',
    });
    const content = await http(
      'GET',
      `/demands/${encodeURIComponent(numero)}/documents/${id}/content`,
      undefined,
      METZ,
    );
    expect(content.status).toBe(200);
    expect(sha256(content.bytes)).toBe(sha256(pdf));
    const gridFs = app.get<Connection>(MONGO_CONNECTION).db!.collection('documents.files');
    expect(await gridFs.countDocuments()).toBe(0);
  });

  it('writes nothing for a refused upload', async () => {
    const numero = await aDemand();
    const before = await objectKeys('documents/');
    const truncated = (await textPdf('tronqué')).subarray(0, 400);
    const refused = await post(
      `/demands/${encodeURIComponent(numero)}/documents`,
      { category: 'IDD', documentType: 'CID' },
      truncated,
    );
    expect(refused.status).toBe(422);
    expect(await objectKeys('documents/')).toEqual(before);
  });

  it('deletes the object when the quarantined document is purged', async () => {
    const numero = await aDemand();
    const path = `/demands/${encodeURIComponent(numero)}/documents`;
    const created = await post(
      path,
      { category: 'IDD', documentType: 'CID' },
      await textPdf('CNI'),
    );
    const id = created.body.document.documentId as string;
    expect((await http('DELETE', `${path}/${id}`, undefined, METZ)).status).toBe(200);
    expect(await objectKeys(`documents/${id}`)).toEqual([`documents/${id}`]);

    const purged = await http('POST', '/operations/purge', undefined, operatorAuth());
    expect(purged.body.purged).toBeGreaterThanOrEqual(1);
    expect(await objectKeys(`documents/${id}`)).toEqual([]);
    expect((await http('GET', `${path}/${id}/content`, undefined, METZ)).status).toBe(404);
  });

  it('splits a scanned batch kept in the bucket and files its pieces there', async () => {
    const numero = await aDemand();
    const guichet = { code: '10691', name: 'Metz Habitat Territoire', department: '057' };
    const generatedAt = new Date('2026-01-05T08:00:00Z');
    const piece = await textPdf('Quittance de loyer');
    const batch = await unitedPdf([
      await transmittalSlipPdf(
        {
          guichet,
          batchId: 'ENV-S3',
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
      piece,
    ]);
    const submitted = await post(
      '/scanned-batches',
      { notifyEmail: `referent.${isolation.id}@example.fr` },
      batch,
    );
    expect(submitted.status).toBe(202);
    const batchId = submitted.body.batch.batchId as string;
    expect(await objectKeys(`batches/${batchId}`)).toEqual([`batches/${batchId}`]);

    const done = await waitFor(
      async () => {
        const answer = await http('GET', `/scanned-batches/${batchId}`, undefined, METZ);
        return answer.body.batch?.status === 'done' && answer.body.batch;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: `batch ${batchId} processed` },
    );
    expect(done.rejected).toEqual([]);
    expect(done.placed).toHaveLength(1);
    const documentId = done.placed[0].documentId as string;
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `documents/${documentId}` }),
    );
    const bytes = Buffer.from(await stored.Body!.transformToByteArray());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const listed = await http(
      'GET',
      `/demands/${encodeURIComponent(numero)}/documents`,
      undefined,
      METZ,
    );
    expect(listed.body.documents).toEqual([
      expect.objectContaining({ documentId, file: expect.objectContaining({ pages: 1 }) }),
    ]);
  });
});
