/**
 * The document-ingestion app's two heavy paths, each beside its bare cost in the same run:
 *
 * 1. Splitting a scanned batch (default 200 pages: a transmittal slip, then for each demand its
 *    QR-coded summary sheet and its pieces, all scanned as images) through the app (upload, BullMQ
 *    job, rendering, QR decoding, split, attachment), beside poppler's bare rendering of the same
 *    pages at the same resolution, in one process and in one process per core.
 * 2. Uploads of 1 MB PDFs through the API (multipart, type and PDF checks, hashing, claims,
 *    file store, revision and outbox), beside bare writes of the same files to the same store.
 *
 *   npm run bench:documents -- [--pages 200] [--uploads 40] [--dpi 150] [--storage gridfs|s3]
 *
 * Needs the local stack (bin/sne infra start). Writes bench/documents/results.json, or
 * results-s3.json with `--storage s3` (the app's files in the local S3 server, DOCUMENT_STORAGE).
 */
import { NestFactory } from '@nestjs/core';
import { DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import { MONGO_CONNECTION } from '@sne/persistence';
import { summarySheetPdf, transmittalSlipPdf } from '@sne/printing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  appEnv,
  factory,
  guichetAuth,
  isolate,
  operatorAuth,
  removeTestBucket,
  s3StorageEnv,
  TestKafka,
  testStack,
} from '@sne/testing';
import { type Connection, mongo } from 'mongoose';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { imagesToPdf } from '../../libs/printing/src/testing/scan-simulation';
import { AppModule } from '../../apps/document-ingestion/src/app.module';
import { loadDocumentIngestionConfig } from '../../apps/document-ingestion/src/config';
import { s3Client } from '../../apps/document-ingestion/src/documents/s3-file-store';
import { positiveIntegerOption, writeResults } from '../cli';

const run = promisify(execFile);
const METZ = guichetAuth('10691', ['057'], 'landlord');
const PIECES_PER_DEMAND = 9;
const UPLOAD_BYTES = 1_000_000;

/** A PDF of one page of text, padded with an incompressible stream to `bytes` when given. */
function textPdf(text: string, bytes = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      compress: false,
      info: { CreationDate: new Date(0) },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(14).text(text);
    // Lines of random letters: a page that weighs what a scanned piece weighs.
    if (bytes > 0) doc.fontSize(2).text(randomBytes(bytes / 2).toString('base64'));
    doc.end();
  });
}

/**
 * A supporting document as dense as the real ones (a payslip, a tax notice): a framed header,
 * about 45 lines of labels and amounts in a ruled table, a footer. Pages like these have the
 * contrast that makes the QR reader try every copy of the page, as real batches do.
 */
function piecePdf(numeroUnique: string, piece: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 40, info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const payslip = piece % 3 !== 2;
    const title = payslip ? 'BULLETIN DE PAIE' : "AVIS D'IMPÔT SUR LES REVENUS";
    doc.rect(40, 40, 515, 70).lineWidth(1.2).stroke();
    doc.font('Helvetica-Bold').fontSize(15).text(title, 55, 52);
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(`Pièce ${piece + 1} de la demande ${numeroUnique}`, 55, 74)
      .text(
        'SARL Transports Mosellans, 4 rue des Forges, 57000 Metz — SIRET 512 345 678 00021',
        55,
        88,
      );
    doc.rect(360, 125, 195, 60).stroke();
    doc.fontSize(9).text('M. Essai BANC\n12 rue de la Gare\n57070 Metz', 370, 135);
    doc.fontSize(8.5).text('Période du 01/10/2026 au 31/10/2026 — Emploi : conducteur', 40, 135);
    const labels = payslip
      ? [
          'Salaire de base',
          'Heures supplémentaires 25 %',
          'Prime d’ancienneté',
          'Indemnité de transport',
          'Sécurité sociale plafonnée',
          'Sécurité sociale déplafonnée',
          'Complémentaire tranche 1',
          'Assurance chômage',
          'CSG déductible',
          'CSG/CRDS non déductible',
          'Mutuelle',
          'Prévoyance',
          'Titres-restaurant',
          'Réduction générale',
          'Acompte',
        ]
      : [
          'Traitements et salaires',
          'Revenu fiscal de référence',
          'Nombre de parts',
          'Revenus fonciers',
          'Pensions alimentaires',
          'Frais réels',
          'Revenu brut global',
          'Charges déductibles',
          'Revenu imposable',
          'Impôt brut',
          'Décote',
          'Réductions d’impôt',
          'Crédits d’impôt',
          'Prélèvement à la source',
          'Solde',
        ];
    const top = 200;
    const lineHeight = 12.5;
    const rows = 45;
    doc.rect(40, top - 4, 515, rows * lineHeight + 8).stroke();
    for (const x of [300, 380, 460])
      doc
        .moveTo(x, top - 4)
        .lineTo(x, top + rows * lineHeight + 4)
        .stroke();
    doc.fontSize(8.5);
    for (let row = 0; row < rows; row++) {
      const y = top + row * lineHeight;
      const base = ((piece + 1) * 7919 + row * 104729) % 250_000;
      const label = `${labels[row % labels.length]}${row >= labels.length ? ` (${Math.floor(row / labels.length) + 1})` : ''}`;
      doc.text(label, 46, y, { width: 250, lineBreak: false });
      doc.text((base / 100).toFixed(2), 306, y, { width: 70, align: 'right', lineBreak: false });
      doc.text(((base % 1000) / 100).toFixed(2), 386, y, {
        width: 70,
        align: 'right',
        lineBreak: false,
      });
      doc.text(((base * 3) / 1000).toFixed(2), 466, y, {
        width: 80,
        align: 'right',
        lineBreak: false,
      });
      if (row % 5 === 4)
        doc
          .moveTo(40, y + lineHeight - 2)
          .lineTo(555, y + lineHeight - 2)
          .lineWidth(0.4)
          .stroke()
          .lineWidth(1.2);
    }
    doc
      .fontSize(8)
      .text(
        'Dans votre intérêt et pour vous aider à faire valoir vos droits, conservez ce document sans limitation de durée.',
        40,
        top + rows * lineHeight + 16,
        { width: 515 },
      );
    doc.end();
  });
}

/** The pages as a scanner gives them: images at `dpi`, in one PDF. */
async function scannedBatch(pages: readonly Buffer[], dpi: number): Promise<Buffer> {
  const directory = await mkdtemp(join(tmpdir(), 'sne-bench-batch-'));
  try {
    const files: string[] = [];
    for (const [index, page] of pages.entries()) {
      const file = join(directory, `page-${String(index).padStart(4, '0')}.pdf`);
      await writeFile(file, page);
      files.push(file);
    }
    await run('pdfunite', [...files, join(directory, 'vector.pdf')]);
    await run('pdftoppm', [
      '-r',
      String(dpi),
      '-gray',
      '-png',
      join(directory, 'vector.pdf'),
      join(directory, 'scan'),
    ]);
    const pngs = (await readdir(directory)).filter((name) => name.endsWith('.png')).sort();
    return imagesToPdf(await Promise.all(pngs.map((name) => readFile(join(directory, name)))));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** pdftoppm alone on the pages, split in `processes` equal parts rendered at once. */
async function bareRendering(
  pdf: Buffer,
  pageCount: number,
  dpi: number,
  processes = 1,
): Promise<number> {
  const directory = await mkdtemp(join(tmpdir(), 'sne-bench-render-'));
  try {
    await writeFile(join(directory, 'batch.pdf'), pdf);
    const share = Math.ceil(pageCount / processes);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: processes }, (_, part) =>
        run(
          'pdftoppm',
          [
            '-r',
            String(dpi),
            '-gray',
            '-f',
            String(part * share + 1),
            '-l',
            String(Math.min(pageCount, (part + 1) * share)),
            join(directory, 'batch.pdf'),
            join(directory, `part-${part}`),
          ],
          { maxBuffer: 1 << 20 },
        ),
      ),
    );
    return (performance.now() - start) / 1000;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const pageTarget = positiveIntegerOption(argv, '--pages') ?? 200;
  const uploads = positiveIntegerOption(argv, '--uploads') ?? 40;
  const dpi = positiveIntegerOption(argv, '--dpi') ?? 150;
  const storage = argv.includes('--storage') ? argv[argv.indexOf('--storage') + 1] : 'gridfs';
  if (storage !== 'gridfs' && storage !== 's3') throw new Error('--storage is gridfs or s3');
  const keys = generateKeyPairSync('ed25519');
  const publicKey = Buffer.from(keys.publicKey.export({ type: 'spki', format: 'pem' })).toString(
    'base64',
  );
  const isolation = isolate('bench-documents');
  const s3 = s3Client({ ...testStack().s3, bucket: isolation.id, forcePathStyle: true });
  const kafka = new TestKafka(isolation.topicPrefix);
  await kafka.createPlatformTopics();
  const app = await NestFactory.create(
    AppModule.forRoot(
      loadDocumentIngestionConfig(
        appEnv(isolation, {
          ...(storage === 's3' ? s3StorageEnv(isolation) : {}),
          LOG_LEVEL: 'warn',
          QR_PUBLIC_KEYS: publicKey,
          BATCH_RENDER_DPI: String(dpi),
          SCAN_MAX_FILE_BYTES: String(200 * 1_000_000),
          POPPLER_TIMEOUT_MS: '600000',
        }),
      ),
    ),
    { logger: ['warn', 'error'] },
  );
  await app.listen(0, '127.0.0.1');
  const api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const producer = kafka.kafka.producer();
  await producer.connect();
  try {
    const registerDemands = async (count: number): Promise<string[]> => {
      const registered: string[] = [];
      for (let n = 0; n < count; n++) {
        const demand = factory.demand({ department: '057', guichetCode: '10691', state: 'active' });
        await producer.send({
          topic: kafka.topic(Topics.DemandEvents),
          messages: [encodeEvent(factory.demandEvent(DemandEventTypes.Registered, demand))],
        });
        registered.push(demand.numeroUnique);
      }
      for (const numero of registered) {
        for (;;) {
          const known = await fetch(`${api}/demands/${encodeURIComponent(numero)}/documents`, {
            headers: operatorAuth(),
          });
          if (known.status === 200) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      return registered;
    };
    const numeros = await registerDemands(
      Math.max(1, Math.round((pageTarget - 1) / (PIECES_PER_DEMAND + 1))),
    );
    // The uploads are payslips, 15 at most per demand (the category's limit): enough demands.
    const uploadNumeros = [
      ...numeros,
      ...(await registerDemands(Math.max(0, Math.ceil(uploads / 15) - numeros.length))),
    ];

    // 1. A scanned batch.
    const guichet = { code: '10691', name: 'Metz Habitat Territoire', department: '057' };
    const generatedAt = new Date('2026-11-23T08:00:00Z');
    const pages: Buffer[] = [
      await transmittalSlipPdf(
        {
          guichet,
          batchId: 'BENCH-1',
          sentOn: generatedAt,
          demands: numeros.map((numeroUnique) => ({
            numeroUnique,
            pageCount: PIECES_PER_DEMAND + 1,
          })),
          generatedAt,
        },
        keys.privateKey,
      ),
    ];
    for (const numeroUnique of numeros) {
      pages.push(
        await summarySheetPdf(
          {
            numeroUnique,
            applicant: { lastName: 'Banc', firstNames: 'Essai' },
            guichet,
            documentCount: PIECES_PER_DEMAND,
            pageCount: PIECES_PER_DEMAND + 1,
            filledOn: generatedAt,
            generatedAt,
          },
          keys.privateKey,
        ),
      );
      for (let piece = 0; piece < PIECES_PER_DEMAND; piece++) {
        pages.push(await piecePdf(numeroUnique, piece));
      }
    }
    const batch = await scannedBatch(pages, dpi);
    const renderSeconds = await bareRendering(batch, pages.length, dpi);
    const cores = availableParallelism();
    const parallelRenderSeconds = await bareRendering(batch, pages.length, dpi, cores);

    const form = new FormData();
    form.append('notifyEmail', 'bench.documents@example.fr');
    form.append('file', new Blob([new Uint8Array(batch)], { type: 'application/pdf' }), 'lot.pdf');
    const splitStart = performance.now();
    const submitted = await fetch(`${api}/scanned-batches`, {
      method: 'POST',
      headers: METZ,
      body: form,
    });
    const { batch: queued } = (await submitted.json()) as { batch: { batchId: string } };
    let report: { status: string; placed: unknown[]; rejected: unknown[] };
    for (;;) {
      const answer = await fetch(`${api}/scanned-batches/${queued.batchId}`, { headers: METZ });
      report = ((await answer.json()) as { batch: typeof report }).batch;
      if (report.status === 'done' || report.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const splitSeconds = (performance.now() - splitStart) / 1000;

    // 2. Uploads beside bare GridFS writes.
    const files = await Promise.all(
      Array.from({ length: uploads }, (_, i) => textPdf(`Pièce téléversée ${i}`, UPLOAD_BYTES)),
    );
    const megabytes = files.reduce((sum, file) => sum + file.length, 0) / 1e6;
    const uploadStart = performance.now();
    let refused = 0;
    for (const [i, file] of files.entries()) {
      const upload = new FormData();
      upload.append('category', 'RESMEN');
      upload.append('documentType', i % 2 === 0 ? 'BULSAL' : 'PRESTA');
      upload.append(
        'file',
        new Blob([new Uint8Array(file)], { type: 'application/pdf' }),
        `piece-${i}.pdf`,
      );
      const answer = await fetch(
        `${api}/demands/${encodeURIComponent(uploadNumeros[i % uploadNumeros.length])}/documents`,
        {
          method: 'POST',
          headers: METZ,
          body: upload,
        },
      );
      await answer.arrayBuffer();
      if (answer.status !== 201) refused++;
    }
    const uploadSeconds = (performance.now() - uploadStart) / 1000;
    const connection = app.get<Connection>(MONGO_CONNECTION);
    const bucket = new mongo.GridFSBucket(connection.db!, { bucketName: 'bench_bare' });
    const bareStart = performance.now();
    for (const [i, file] of files.entries()) {
      if (storage === 's3')
        await s3.send(
          new PutObjectCommand({ Bucket: isolation.id, Key: `bench_bare/${i}`, Body: file }),
        );
      else await pipeline(Readable.from([file]), bucket.openUploadStream(`bare-${i}.pdf`));
    }
    const bareSeconds = (performance.now() - bareStart) / 1000;

    const round = (value: number) => Math.round(value * 100) / 100;
    const results = {
      measuredAt: new Date().toISOString(),
      storage,
      batch: {
        pages: pages.length,
        demands: numeros.length,
        dpi,
        megabytes: round(batch.length / 1e6),
        status: report.status,
        placed: report.placed.length,
        rejected: report.rejected.length,
        throughAppSeconds: round(splitSeconds),
        throughAppPagesPerSecond: round(pages.length / splitSeconds),
        bareRenderingSeconds: round(renderSeconds),
        bareRenderingPagesPerSecond: round(pages.length / renderSeconds),
        cores,
        bareRenderingOnAllCoresSeconds: round(parallelRenderSeconds),
        bareRenderingOnAllCoresPagesPerSecond: round(pages.length / parallelRenderSeconds),
      },
      uploads: {
        files: uploads,
        megabytes: round(megabytes),
        refused,
        throughAppMegabytesPerSecond: round(megabytes / uploadSeconds),
        [storage === 's3' ? 'bareS3MegabytesPerSecond' : 'bareGridFsMegabytesPerSecond']: round(
          megabytes / bareSeconds,
        ),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await writeResults(
      join(__dirname, storage === 's3' ? 'results-s3.json' : 'results.json'),
      results,
    );
  } finally {
    await producer.disconnect();
    await app.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await app.close();
    await kafka.cleanup();
    if (storage === 's3') await removeTestBucket(s3, isolation.id);
    s3.destroy();
  }
}

void main();
