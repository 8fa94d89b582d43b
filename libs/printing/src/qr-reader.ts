/**
 * Finds the QR code of each page of a scanned batch: poppler's pdftoppm renders a few pages at a
 * time into a private temporary directory, and each page is decoded with jsQR, then forgotten,
 * so a 200-page envelope needs the memory of one page. Pages are rendered as grey PGM rather than
 * PNG: pdftoppm spends most of its time compressing PNGs we would only inflate again.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  binariseAndDespeckle,
  boxBlur,
  countFinderPatterns,
  GrayImage,
  grayFromPgm,
  grayFromPng,
  halve,
  inkThreshold,
  rotateQuarterTurns,
} from './image';

export interface ReadQrCodesOptions {
  /**
   * Rendering resolution, 36 to 300. The default 150 reads the 50 mm codes of the certificates
   * and the slip; the summary sheet's 70 mm code reads from 100 dpi up.
   */
  readonly dpi?: number;
  /** 1-based, inclusive. */
  readonly firstPage?: number;
  readonly lastPage?: number;
  /** Per poppler call. */
  readonly timeoutMs?: number;
  /**
   * Also try each page turned by 90, 180 and 270 degrees (default true): three more decodes, so
   * about twice the time, on every page without a code.
   */
  readonly quarterTurns?: boolean;
  /** Where pdftoppm and pdfinfo are; the PATH by default. */
  readonly popplerBinDir?: string;
}

export interface PageQrCode {
  /** 1-based page number in the PDF. */
  readonly page: number;
  /** The raw text of the page's QR code, or null when the page has none that can be read. */
  readonly text: string | null;
}

export class PdfRenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfRenderError';
  }
}

/** poppler-utils is not installed (or not at popplerBinDir). */
export class PopplerNotFoundError extends PdfRenderError {
  constructor(command: string, options?: { cause?: unknown }) {
    super(`${command} not found: install poppler-utils`, options);
    this.name = 'PopplerNotFoundError';
  }
}

export class CorruptPdfError extends PdfRenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CorruptPdfError';
  }
}

export class PdfRenderTimeoutError extends PdfRenderError {
  constructor(command: string, timeoutMs: number) {
    super(`${command} did not finish within ${timeoutMs} ms`);
    this.name = 'PdfRenderTimeoutError';
  }
}

const DEFAULT_DPI = 150;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Pages rendered per pdftoppm call: fewer process starts, at most this many images on disk. */
const PAGES_PER_RENDER = 8;
/** A3 at 300 dpi fits; a poster-sized page is cropped rather than allowed to exhaust memory. */
const MAX_SIDE_PX = 7_100;
/** Above this width a halved copy is tried too: a 300-dpi page still has 4-pixel modules. */
const HALVE_FROM_WIDTH = 2_000;

export async function readQrCodesFromPdf(
  pdf: Buffer,
  options: ReadQrCodesOptions = {},
): Promise<PageQrCode[]> {
  const dpi = options.dpi ?? DEFAULT_DPI;
  if (!Number.isInteger(dpi) || dpi < 36 || dpi > 300) {
    throw new RangeError(`dpi ${dpi} outside 36..300`);
  }
  const firstPage = options.firstPage ?? 1;
  if (!Number.isInteger(firstPage) || firstPage < 1) {
    throw new RangeError(`firstPage ${firstPage} is not a page number`);
  }
  if (
    options.lastPage !== undefined &&
    !(Number.isInteger(options.lastPage) && options.lastPage >= firstPage)
  ) {
    throw new RangeError(`lastPage ${options.lastPage} before firstPage ${firstPage}`);
  }
  // The PDF format lets a few bytes of junk precede the header; anything else is not a PDF.
  if (!pdf.subarray(0, 1024).includes('%PDF-')) throw new CorruptPdfError('not a PDF file');

  const poppler = {
    pdfinfo: join(options.popplerBinDir ?? '', 'pdfinfo'),
    pdftoppm: join(options.popplerBinDir ?? '', 'pdftoppm'),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const quarterTurns = options.quarterTurns ?? true;
  const directory = await mkdtemp(join(tmpdir(), 'sne-qr-'));
  const decoder = decoders.acquire();
  try {
    const input = join(directory, 'input.pdf');
    await writeFile(input, pdf);
    const pageCount = await countPages(poppler, input);
    const lastPage = Math.min(options.lastPage ?? pageCount, pageCount);
    const results: PageQrCode[] = [];
    for (let from = firstPage; from <= lastPage; from += PAGES_PER_RENDER) {
      const to = Math.min(from + PAGES_PER_RENDER - 1, lastPage);
      const pages = await renderPages(poppler, input, { from, to, dpi, directory });
      for (const { page, file } of pages) {
        const image = grayFromPgm(await readFile(file));
        await rm(file);
        results.push({ page, text: await readQrCodeFromGray(image, decoder, { quarterTurns }) });
      }
    }
    return results;
  } finally {
    decoders.release(decoder);
    await rm(directory, { recursive: true, force: true });
  }
}

/** The text of the QR code in a PNG image (a photo or a scanned page), or null. */
export async function readQrCodeFromImage(
  png: Buffer,
  options: { quarterTurns?: boolean } = {},
): Promise<string | null> {
  const image = grayFromPng(png);
  const decoder = decoders.acquire();
  try {
    return await readQrCodeFromGray(image, decoder, { quarterTurns: options.quarterTurns ?? true });
  } finally {
    decoders.release(decoder);
  }
}

/**
 * Tries the image as it is first (a clean rendering decodes there), then copies that help a
 * poor scan: black and white at a global threshold, despeckled (grain on grey paper, specks);
 * the same after a light blur (heavier grain); halved (large pages); and, unless turned off,
 * quarter turns of the black and white copy, which give jsQR's row-by-row search for the finder
 * patterns other lines through a tilted code. A page with contrast is tried only when its black
 * and white copy shows a finder pattern (1:1:3:1:1 runs in a row and a column): a page of text,
 * most pages of a batch, then costs that look (about 50 ms at 150 dpi) instead of jsQR's search
 * (0.3 s on a clean rendering, over 1 s on a grainy scan). A page without contrast gets one try.
 * A code the look misses is rejected by the split (a slip's count, a missing sheet), never
 * filed under the wrong demand.
 */
async function readQrCodeFromGray(
  image: GrayImage,
  decoder: QrDecoder,
  options: { quarterTurns: boolean },
): Promise<string | null> {
  const threshold = inkThreshold(image);
  if (threshold === undefined) return decoder.decode(image);
  const clean = binariseAndDespeckle(image, threshold);
  if (countFinderPatterns(clean) === 0) return null;
  const retries: Array<() => GrayImage> = [
    () => image,
    () => clean,
    () => binariseAndDespeckle(boxBlur(image), threshold),
  ];
  if (image.width >= HALVE_FROM_WIDTH) retries.push(() => halve(image));
  if (options.quarterTurns) {
    for (const turns of [1, 2, 3] as const) retries.push(() => rotateQuarterTurns(clean, turns));
  }
  for (const retry of retries) {
    const text = await decoder.decode(retry());
    if (text !== null) return text;
  }
  return null;
}

/**
 * jsQR, pure JavaScript, spends a few hundred milliseconds on a page: it runs in a worker thread
 * so a 200-page batch does not stall the event loop of the service reading it.
 */
const DECODER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const jsqr = require(${JSON.stringify(require.resolve('jsqr'))});
const jsQR = jsqr.default || jsqr;
parentPort.on('message', ({ width, height, gray }) => {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let pixel = 0; pixel < gray.length; pixel += 1) {
    rgba[4 * pixel] = rgba[4 * pixel + 1] = rgba[4 * pixel + 2] = gray[pixel];
    rgba[4 * pixel + 3] = 255;
  }
  const found = jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' });
  parentPort.postMessage(found && found.data.length > 0 ? found.data : null);
});
`;

class QrDecoder {
  private readonly worker = new Worker(DECODER_SOURCE, { eval: true });
  private pending?: { resolve: (text: string | null) => void; reject: (error: Error) => void };
  private failure?: Error;

  constructor() {
    this.worker.on('message', (text: string | null) =>
      this.settle((pending) => pending.resolve(text)),
    );
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`QR decoder exited with code ${code}`)));
  }

  /** Not crashed, closed or busy. */
  get usable(): boolean {
    return this.failure === undefined && this.pending === undefined;
  }

  /** An idle worker must not keep the process alive. */
  setKeepsProcessAlive(keeps: boolean): void {
    if (keeps) this.worker.ref();
    else this.worker.unref();
  }

  decode(image: GrayImage): Promise<string | null> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) return Promise.reject(new Error('one image at a time'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      // A copy the worker owns: the caller may still use its image.
      const gray = new Uint8Array(image.data);
      this.worker.postMessage({ width: image.width, height: image.height, gray }, [gray.buffer]);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('QR decoder closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle((pending) => pending.reject(error));
  }

  private settle(action: (pending: NonNullable<QrDecoder['pending']>) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) action(pending);
  }
}

/**
 * Decoders kept between calls: the batch job reads its pages in a dozen ranges, and each call
 * used to pay a worker's start and a cold jsQR. Idle ones are closed after a while.
 */
class DecoderPool {
  private readonly idle: QrDecoder[] = [];
  private timer?: NodeJS.Timeout;

  acquire(): QrDecoder {
    let decoder = this.idle.pop();
    while (decoder !== undefined && !decoder.usable) {
      void decoder.close();
      decoder = this.idle.pop();
    }
    decoder ??= new QrDecoder();
    decoder.setKeepsProcessAlive(true);
    return decoder;
  }

  release(decoder: QrDecoder): void {
    if (!decoder.usable || this.idle.length >= MAX_IDLE_DECODERS) {
      void decoder.close();
      return;
    }
    decoder.setKeepsProcessAlive(false);
    this.idle.push(decoder);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      for (const idle of this.idle.splice(0)) void idle.close();
    }, IDLE_DECODER_MS).unref();
  }
}

const IDLE_DECODER_MS = 30_000;
const MAX_IDLE_DECODERS = 4;
const decoders = new DecoderPool();

interface Poppler {
  readonly pdfinfo: string;
  readonly pdftoppm: string;
  readonly timeoutMs: number;
}

async function countPages(poppler: Poppler, input: string): Promise<number> {
  const { stdout } = await run(poppler.pdfinfo, [input], poppler.timeoutMs);
  const match = /^Pages:\s+([0-9]+)\s*$/m.exec(stdout);
  if (!match) throw new CorruptPdfError('pdfinfo reports no page count');
  return Number(match[1]);
}

async function renderPages(
  poppler: Poppler,
  input: string,
  range: { from: number; to: number; dpi: number; directory: string },
): Promise<Array<{ page: number; file: string }>> {
  const prefix = `page-${range.from}`;
  await run(
    poppler.pdftoppm,
    [
      '-gray',
      '-r',
      String(range.dpi),
      '-f',
      String(range.from),
      '-l',
      String(range.to),
      '-x',
      '0',
      '-y',
      '0',
      '-W',
      String(MAX_SIDE_PX),
      '-H',
      String(MAX_SIDE_PX),
      input,
      join(range.directory, prefix),
    ],
    poppler.timeoutMs,
  );
  // pdftoppm names pages prefix-7.pgm or prefix-007.pgm, padded to the document's page count.
  const pattern = new RegExp(`^${prefix}-([0-9]+)\\.pgm$`);
  const pages = (await readdir(range.directory)).flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ page: Number(match[1]), file: join(range.directory, name) }] : [];
  });
  pages.sort((a, b) => a.page - b.page);
  const expected = range.to - range.from + 1;
  if (pages.length !== expected) {
    throw new CorruptPdfError(
      `pdftoppm rendered ${pages.length} of pages ${range.from}-${range.to}`,
    );
  }
  return pages;
}

function run(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ stdout, stderr });
        } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new PopplerNotFoundError(command, { cause: error }));
        } else if (error.killed) {
          reject(new PdfRenderTimeoutError(command, timeoutMs));
        } else {
          const detail = stderr.trim().split('\n').slice(-3).join(' / ');
          reject(
            new CorruptPdfError(`${command} failed: ${detail || error.message}`, { cause: error }),
          );
        }
      },
    );
  });
}
