/**
 * The batch's pages read in several ranges at once, through poppler: the same codes as one
 * sequential read, whatever the page count said, and a page that does not render in time fails
 * the whole read. Needs poppler-utils.
 */
import { PdfRenderTimeoutError, readQrCodesFromPdf, summarySheetPdf } from '@sne/printing';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { readPageCodes } from './page-codes';

const run = promisify(execFile);
const { privateKey } = generateKeyPairSync('ed25519');
const guichet = { code: '10691', name: 'Metz Habitat Territoire', department: '057' };
const at = new Date('2026-01-05T08:00:00Z');

function textPage(text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
    document.fontSize(14).text(text);
    document.end();
  });
}

const sheet = (numeroUnique: string) =>
  summarySheetPdf(
    {
      numeroUnique,
      applicant: { lastName: 'Lefèvre', firstNames: 'Zoé' },
      guichet,
      documentCount: 1,
      pageCount: 2,
      filledOn: at,
      generatedAt: at,
    },
    privateKey,
  );

/** One page whose 160 references to a deflated 64 MB stream take far longer than a second. */
function bombPage(): Buffer {
  const stream = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  const references = Array.from({ length: 160 }, () => '4 0 R').join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [${references}] >>`,
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  let length = parts[0].length;
  const offsets: number[] = [];
  const add = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  objects.forEach((object, index) => {
    offsets.push(length);
    add(Buffer.from(`${index + 1} 0 obj\n${object}\nendobj\n`));
  });
  offsets.push(length);
  add(Buffer.from(`4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`));
  add(stream);
  add(Buffer.from('\nendstream\nendobj\n'));
  const xref = length;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`);
  add(
    Buffer.from(
      `xref\n0 5\n0000000000 65535 f \n${entries.join('')}` +
        `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

/** The pages as one PDF (poppler's pdfunite). */
async function united(pages: readonly Buffer[]): Promise<Buffer> {
  const directory = await mkdtemp(join(tmpdir(), 'page-codes-test-'));
  try {
    const files = await Promise.all(
      pages.map(async (page, index) => {
        const file = join(directory, `page-${index + 1}.pdf`);
        await writeFile(file, page);
        return file;
      }),
    );
    await run('pdfunite', [...files, join(directory, 'all.pdf')]);
    return await readFile(join(directory, 'all.pdf'));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

describe('readPageCodes', () => {
  const numeros = ['057 0126 000001 10691', '057 0126 000002 10691', '057 0126 000003 10691'];
  /** 19 pages, summary sheets on pages 1, 8 and 17: three ranges with two lanes. */
  let batch: Buffer;

  beforeAll(async () => {
    const pages: Buffer[] = [];
    for (let page = 1; page <= 19; page++) {
      const sheetIndex = [1, 8, 17].indexOf(page);
      pages.push(
        sheetIndex >= 0 ? await sheet(numeros[sheetIndex]) : await textPage(`Pièce page ${page}`),
      );
    }
    batch = await united(pages);
  });

  it('reads every page, in order, as one sequential read does', async () => {
    const sequential = await readQrCodesFromPdf(batch, { dpi: 100, timeoutMs: 30_000 });
    const inLanes = await readPageCodes(batch, {
      dpi: 100,
      timeoutMs: 30_000,
      pageCount: 19,
      lanes: 2,
    });

    expect(inLanes).toEqual(sequential);
    expect(inLanes.map((page) => page.page)).toEqual(
      Array.from({ length: 19 }, (_, index) => index + 1),
    );
    expect(inLanes.flatMap((page) => (page.text ? [page.page] : []))).toEqual([1, 8, 17]);
    expect(inLanes[7].text).toContain(numeros[1]);
  });

  it('reads the pages a wrong count left out', async () => {
    const pages = await readPageCodes(batch, {
      dpi: 100,
      timeoutMs: 30_000,
      pageCount: 9,
      lanes: 2,
    });
    expect(pages.map((page) => page.page)).toEqual(
      Array.from({ length: 19 }, (_, index) => index + 1),
    );
  });

  it('fails as a whole when one page does not render in time', async () => {
    const pages: Buffer[] = [];
    for (let page = 1; page <= 19; page++)
      pages.push(page === 12 ? bombPage() : await textPage(`Page ${page}`));
    const withBomb = await united(pages);

    await expect(
      readPageCodes(withBomb, { dpi: 100, timeoutMs: 3_000, pageCount: 19, lanes: 2 }),
    ).rejects.toThrow(PdfRenderTimeoutError);
  });
});
