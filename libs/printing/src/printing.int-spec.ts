/**
 * The printed documents through poppler, as the scanning channel will meet them: rendered,
 * read back, scanned askew and noisy, and mixed with plain pages in one batch. Needs
 * poppler-utils only: `npx jest -c libs/printing/jest.int.config.ts --runInBand`.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jsQR from 'jsqr';
import PDFDocument from 'pdfkit';
import { registrationCertificatePdf, renewalCertificatePdf } from './documents/certificates';
import { summarySheetPdf } from './documents/summary-sheet';
import { transmittalSlipPdf } from './documents/transmittal-slip';
import {
  binariseAndDespeckle,
  countFinderPatterns,
  GrayImage,
  grayFromPng,
  inkThreshold,
} from './image';
import { parseQrPayload, QrPayload } from './qr-payload';
import {
  CorruptPdfError,
  PopplerNotFoundError,
  readQrCodeFromImage,
  readQrCodesFromPdf,
} from './qr-reader';
import { factory } from './testing/fixtures';
import { imagesToPdf, scanLikePng } from './testing/scan-simulation';

const run = promisify(execFile);
// A fixed key: signed QR codes are then the same bytes on every run, so a scan that reads once
// reads always (a fresh key each run made the tilted slip unreadable now and then).
const privateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]),
  format: 'der',
  type: 'pkcs8',
});
const publicKey = createPublicKey(privateKey);

async function withTempDir<T>(work: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'printing-test-'));
  try {
    return await work(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** One page as a PNG, as a scanner at that resolution would see the paper. */
function pageAsPng(pdf: Buffer, dpi: number, page = 1): Promise<Buffer> {
  return withTempDir(async (directory) => {
    await writeFile(join(directory, 'in.pdf'), pdf);
    const args = ['-png', '-gray', '-r', String(dpi), '-f', String(page), '-l', String(page)];
    await run('pdftoppm', [
      ...args,
      '-singlefile',
      join(directory, 'in.pdf'),
      join(directory, 'out'),
    ]);
    return readFile(join(directory, 'out.png'));
  });
}

function poppler(tool: 'pdfinfo' | 'pdftotext', pdf: Buffer, args: string[]): Promise<string> {
  return withTempDir(async (directory) => {
    await writeFile(join(directory, 'in.pdf'), pdf);
    const output = tool === 'pdftotext' ? ['-'] : [];
    const { stdout } = await run(tool, [...args, join(directory, 'in.pdf'), ...output]);
    return stdout;
  });
}

/** A supporting document without a code: a page of text and a table, like a tax notice. */
function plainPagePdf(title: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.font('Helvetica-Bold').fontSize(16).text(title).moveDown();
    doc.font('Helvetica').fontSize(10);
    for (let line = 0; line < 30; line += 1) {
      doc.text(
        `Ligne ${line + 1} : revenu fiscal de référence, nombre de parts, montant — 12 345 €`,
      );
    }
    doc.rect(56, 600, 480, 120).stroke();
    doc.end();
  });
}

/** A payslip: a framed header, 45 lines of labels and amounts in a ruled table. */
function densePagePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.rect(40, 40, 515, 60).stroke();
    doc.font('Helvetica-Bold').fontSize(15).text('BULLETIN DE PAIE', 55, 52);
    doc.font('Helvetica').fontSize(8.5);
    for (let row = 0; row < 45; row += 1) {
      const y = 130 + row * 13;
      doc.text(`Cotisation ${row + 1} : sécurité sociale, CSG, mutuelle`, 46, y, {
        lineBreak: false,
      });
      doc.text(((row * 7919) % 250_000).toFixed(2), 400, y, { lineBreak: false });
      if (row % 5 === 4)
        doc
          .moveTo(40, y + 11)
          .lineTo(555, y + 11)
          .stroke();
    }
    doc.rect(40, 126, 515, 45 * 13 + 4).stroke();
    doc.end();
  });
}

/** Whether jsQR alone, on the page as scanned, finds the code: the reader's first try. */
function firstTryReads(png: Buffer): boolean {
  const { width, height, data } = grayFromPng(png);
  const rgba = new Uint8ClampedArray(width * height * 4);
  data.forEach((value, pixel) =>
    rgba.fill(value, 4 * pixel, 4 * pixel + 3).fill(255, 4 * pixel + 3, 4 * pixel + 4),
  );
  return jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' }) !== null;
}

function finderPatterns(image: GrayImage): number {
  return countFinderPatterns(binariseAndDespeckle(image, inkThreshold(image) ?? 128));
}

function parsed(text: string | null): QrPayload {
  if (text === null) throw new Error('no QR code read');
  const result = parseQrPayload(text, publicKey);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.payload;
}

async function leftoverReaderDirectories(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('sne-qr-'));
}

describe('printed documents read back through poppler', () => {
  it.each([
    [
      'registration certificate',
      () => registrationCertificatePdf(factory.registrationCertificate(), privateKey),
    ],
    ['renewal certificate', () => renewalCertificatePdf(factory.renewalCertificate(), privateKey)],
    ['summary sheet', () => summarySheetPdf(factory.summarySheet(), privateKey)],
  ])('reads the numéro unique back from a %s', async (_, generate) => {
    const pdf = await generate();
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const pages = await readQrCodesFromPdf(pdf);

    expect(pages).toHaveLength(1);
    expect(parsed(pages[0]?.text ?? null)).toMatchObject({ numeroUnique: '057 1215 073903 10691' });
  });

  it('reads a transmittal slip back with its declared counts, its own pages included', async () => {
    const demands = Array.from({ length: 100 }, (_, index) => ({
      numeroUnique: `057 0316 ${String(index + 1).padStart(6, '0')} 10691`,
      applicantName: `DEMANDEUR ${index + 1}`,
      pageCount: 3,
    }));
    const pdf = await transmittalSlipPdf(factory.transmittalSlip({ demands }), privateKey);
    const slipPages = Number(/^Pages:\s+(\d+)$/m.exec(await poppler('pdfinfo', pdf, []))?.[1]);
    expect(slipPages).toBeGreaterThan(1);

    const pages = await readQrCodesFromPdf(pdf, { quarterTurns: false });

    expect(pages).toHaveLength(slipPages);
    expect(parsed(pages[0]?.text ?? null)).toEqual({
      kind: 'transmittal-slip',
      guichetCode: '10691',
      department: '057',
      batchId: 'ENV-2016-03-14.01',
      sentOn: new Date(Date.UTC(2016, 2, 14)),
      demandCount: 100,
      pageCount: 100 * 3 + slipPages,
    });
    expect(pages.slice(1).every((page) => page.text === null)).toBe(true);
    const text = await poppler('pdftotext', pdf, ['-layout']);
    expect(text).toMatch(new RegExp(`Nombre total de pages :\\s+${100 * 3 + slipPages}\\b`));
    expect(text).toMatch(new RegExp(`page ${slipPages} / ${slipPages}`));
  });

  it('prints French text and metadata that poppler reads as French', async () => {
    const pdf = await summarySheetPdf(factory.summarySheet(), privateKey);

    const text = await poppler('pdftotext', pdf, []);
    for (const expected of [
      'Fiche récapitulative',
      'LEFÈVRE',
      'Zoé Françoise',
      'Date de dépôt',
      'Nombre de pages, y compris la présente fiche',
      'Metz Habitat Territoire — agence de Borny (10691)',
    ]) {
      expect(text.replace(/\s+/g, ' ')).toContain(expected);
    }
    const info = await poppler('pdfinfo', pdf, ['-isodates']);
    expect(info).toMatch(/^Title:\s+Fiche récapitulative n° 057 1215 073903 10691$/m);
    expect(info).toMatch(/^Author:\s+Système national d’enregistrement/m);
    expect(info).toMatch(/^CreationDate:\s+2016-03-14T08:30:00Z$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
  });

  it('reads a summary sheet scanned at 100 dpi, 2.5 degrees askew, grey and speckled', async () => {
    const sheet = await summarySheetPdf(factory.summarySheet(), privateKey);
    const scan = scanLikePng(await pageAsPng(sheet, 100), {
      degrees: 2.5,
      seed: 42,
      speckle: 0.02,
    });
    await expect(readQrCodeFromImage(scan)).resolves.not.toBeNull();

    const pages = await readQrCodesFromPdf(await imagesToPdf([scan]));

    expect(parsed(pages[0]?.text ?? null)).toMatchObject({
      kind: 'summary-sheet',
      numeroUnique: '057 1215 073903 10691',
    });
  });

  describe('retries only where a finder pattern shows', () => {
    it('reports no code on a dense page scanned at 150 dpi, whose copy shows no finder pattern', async () => {
      const scan = scanLikePng(await pageAsPng(await densePagePdf(), 150), {
        degrees: 1.2,
        seed: 3,
        speckle: 0.02,
      });
      expect(finderPatterns(grayFromPng(scan))).toBe(0);

      const pages = await readQrCodesFromPdf(await imagesToPdf([scan]));

      expect(pages).toEqual([{ page: 1, text: null }]);
    });

    it.each([
      ['summary sheet', 100, -2.5, () => summarySheetPdf(factory.summarySheet(), privateKey)],
      [
        'transmittal slip',
        150,
        2.5,
        () => transmittalSlipPdf(factory.transmittalSlip(), privateKey),
      ],
    ])(
      'still reads a %s at %i dpi, %d degrees askew, grainy and speckled, that the first try misses',
      async (_, dpi, degrees, generate) => {
        const scan = scanLikePng(await pageAsPng(await generate(), dpi), {
          degrees,
          seed: 11,
          grain: 60,
          speckle: 0.03,
        });
        expect(firstTryReads(scan)).toBe(false);
        expect(finderPatterns(grayFromPng(scan))).toBeGreaterThan(0);

        const pages = await readQrCodesFromPdf(await imagesToPdf([scan]), { dpi });

        expect(parsed(pages[0]?.text ?? null).kind).toBe(
          dpi === 100 ? 'summary-sheet' : 'transmittal-slip',
        );
      },
    );
  });

  describe('a scanned batch: slip, sheet, 2 pieces, sheet, 1 piece', () => {
    let batch: Buffer;

    beforeAll(async () => {
      const second = '057 0116 000412 10691';
      const documents = [
        await transmittalSlipPdf(
          factory.transmittalSlip({
            demands: [
              { numeroUnique: '057 1215 073903 10691', pageCount: 3 },
              { numeroUnique: second, pageCount: 2 },
            ],
          }),
          privateKey,
        ),
        await summarySheetPdf(factory.summarySheet({ pageCount: 3 }), privateKey),
        await plainPagePdf('Avis d’imposition 2015'),
        await plainPagePdf('Bulletin de salaire — février 2016'),
        await summarySheetPdf(
          factory.summarySheet({ numeroUnique: second, documentCount: 1, pageCount: 2 }),
          privateKey,
        ),
        await plainPagePdf('Quittance de loyer — mars 2016'),
      ];
      const scans: Buffer[] = [];
      for (const [index, pdf] of documents.entries()) {
        const tilt = [0.8, -1.5, 0.4, 1.2, 2.2, -0.6][index] ?? 0;
        scans.push(
          scanLikePng(await pageAsPng(pdf, 100), { degrees: tilt, seed: index, speckle: 0.01 }),
        );
      }
      batch = await imagesToPdf(scans);
    });

    it('gives each page its code, and null to the pieces between them', async () => {
      // The pages are 100-dpi scans: rendering them finer would add pixels, not detail.
      const pages = await readQrCodesFromPdf(batch, { dpi: 100 });

      expect(pages.map((page) => page.page)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(pages.map((page) => (page.text === null ? null : parsed(page.text).kind))).toEqual([
        'transmittal-slip',
        'summary-sheet',
        null,
        null,
        'summary-sheet',
        null,
      ]);
      expect(parsed(pages[1]?.text ?? null)).toMatchObject({
        numeroUnique: '057 1215 073903 10691',
      });
      expect(parsed(pages[4]?.text ?? null)).toMatchObject({
        numeroUnique: '057 0116 000412 10691',
      });
    });

    it('reads only the pages asked for', async () => {
      const pages = await readQrCodesFromPdf(batch, {
        firstPage: 4,
        lastPage: 9,
        dpi: 100,
        quarterTurns: false,
      });

      expect(pages.map((page) => [page.page, page.text === null])).toEqual([
        [4, true],
        [5, false],
        [6, true],
      ]);
    });
  });

  describe('errors', () => {
    it('calls a damaged file a corrupt PDF and cleans up after itself', async () => {
      const before = await leftoverReaderDirectories();
      const pdf = await summarySheetPdf(factory.summarySheet(), privateKey);
      const damaged = Buffer.concat([pdf.subarray(0, 400), Buffer.from('\u0000garbage')]);

      await expect(readQrCodesFromPdf(damaged)).rejects.toThrow(CorruptPdfError);
      await expect(readQrCodesFromPdf(Buffer.from('GIF89a'))).rejects.toThrow(CorruptPdfError);

      expect(await leftoverReaderDirectories()).toEqual(before);
    });

    it('names poppler-utils when pdftoppm cannot be found', async () => {
      const pdf = await summarySheetPdf(factory.summarySheet(), privateKey);

      await expect(
        readQrCodesFromPdf(pdf, { popplerBinDir: '/nonexistent/poppler' }),
      ).rejects.toThrow(PopplerNotFoundError);
    });

    it('refuses nonsensical options before starting anything', async () => {
      const pdf = Buffer.from('%PDF-1.3');
      await expect(readQrCodesFromPdf(pdf, { dpi: 10_000 })).rejects.toThrow(RangeError);
      await expect(readQrCodesFromPdf(pdf, { firstPage: 3, lastPage: 2 })).rejects.toThrow(
        RangeError,
      );
    });
  });
});
