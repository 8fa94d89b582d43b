/**
 * The document-ingestion app's two heavy paths, each beside its bare cost in the same run:
 *
 * 1. Splitting a scanned batch (default 200 pages: a transmittal slip, then for each demand its
 *    QR-coded summary sheet and its pieces, all scanned as images) through the app (upload, BullMQ
 *    job, rendering, QR decoding, split, attachment), beside poppler's bare rendering of the same
 *    pages at the same resolution, in one process and in one process per core.
 * 2. Uploads of 1 MB PDFs through the API (multipart, type and PDF checks, hashing, claims,
 *    GridFS, revision and outbox), beside bare GridFS writes of the same files.
 *
 *   npm run bench:documents -- [--pages 200] [--uploads 40] [--dpi 150]
 *
 * Needs the local stack (bin/sne infra start). Writes bench/documents/results.json.
 */
import { NestFactory } from '@nestjs/core';
import { DemandEventTypes, encodeEvent, Topics } from '@sne/contracts';
import { MONGO_CONNECTION } from '@sne/persistence';
import { summarySheetPdf, transmittalSlipPdf } from '@sne/printing';
import { appEnv, factory, guichetAuth, isolate, operatorAuth, TestKafka } from '@sne/testing';
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
  const keys = generateKeyPairSync('ed25519');
  const publicKey = Buffer.from(keys.publicKey.export({ type: 'spki', format: 'pem' })).toString(
    'base64',
  );
  const isolation = isolate('bench-documents');
  const kafka = new TestKafka(isolation.topicPrefix);
  await kafka.createPlatformTopics();
  const app = await NestFactory.create(
    AppModule.forRoot(
      loadDocumentIngestionConfig(
        appEnv(isolation, {
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
    const demands = Math.max(1, Math.round((pageTarget - 1) / (PIECES_PER_DEMAND + 1)));
    const numeros: string[] = [];
    for (let n = 0; n < demands; n++) {
      const demand = factory.demand({ department: '057', guichetCode: '10691', state: 'active' });
      await producer.send({
        topic: kafka.topic(Topics.DemandEvents),
        messages: [encodeEvent(factory.demandEvent(DemandEventTypes.Registered, demand))],
      });
      numeros.push(demand.numeroUnique);
    }
    for (const numero of numeros) {
      for (;;) {
        const known = await fetch(`${api}/demands/${encodeURIComponent(numero)}/documents`, {
          headers: operatorAuth(),
        });
        if (known.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

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
        pages.push(await textPdf(`Pièce ${piece + 1} de la demande ${numeroUnique}`));
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
        `${api}/demands/${encodeURIComponent(numeros[i % numeros.length])}/documents`,
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
      await pipeline(Readable.from([file]), bucket.openUploadStream(`bare-${i}.pdf`));
    }
    const bareSeconds = (performance.now() - bareStart) / 1000;

    const round = (value: number) => Math.round(value * 100) / 100;
    const results = {
      measuredAt: new Date().toISOString(),
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
        bareGridFsMegabytesPerSecond: round(megabytes / bareSeconds),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await writeResults(join(__dirname, 'results.json'), results);
  } finally {
    await producer.disconnect();
    await app.get<Connection>(MONGO_CONNECTION).dropDatabase();
    await app.close();
    await kafka.cleanup();
  }
}

void main();
