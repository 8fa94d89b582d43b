/**
 * Test support: PDFs a test uploads or puts into a scanned batch. Deterministic, so the same
 * text gives the same bytes (and the same SHA-256) in every run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

/** A real PDF of `pages` pages of text; the text makes its bytes unique. */
export function textPdf(text: string, pages = 1): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
    for (let page = 0; page < pages; page++) {
      if (page > 0) document.addPage();
      document.fontSize(14).text(`${text} — page ${page + 1}`);
    }
    document.end();
  });
}

/**
 * A compressed bomb: one page whose content is the same deflated stream of 64 MB of spaces
 * referenced 160 times, 10 GB to inflate for whoever renders it, 70 kB on disk.
 */
export function compressedBombPdf(): Buffer {
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

/** The PDFs' pages as one PDF, in order (poppler's pdfunite). */
export async function unitedPdf(pdfs: readonly Buffer[]): Promise<Buffer> {
  const directory = await mkdtemp(join(tmpdir(), 'sne-unite-'));
  try {
    const files = await Promise.all(
      pdfs.map(async (pdf, index) => {
        const file = join(directory, `${index + 1}.pdf`);
        await writeFile(file, pdf);
        return file;
      }),
    );
    await promisify(execFile)('pdfunite', [...files, join(directory, 'all.pdf')]);
    return await readFile(join(directory, 'all.pdf'));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
