import { Inject, Injectable } from '@nestjs/common';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PDF_CHECK_SETTINGS = Symbol('PDF_CHECK_SETTINGS');

export interface PdfCheckSettings {
  readonly pdfinfoPath: string;
  readonly timeoutMs: number;
  readonly pdftoppmPath: string;
  /** Time a document's pages get to render at a tiny resolution; longer is a compressed bomb. */
  readonly renderProbeTimeoutMs: number;
}

export type PdfVerdict = { ok: true; pages: number } | { ok: false; reason: string };

/** A PDF being checked: its bytes are fed as they arrive, the verdict comes after the last. */
export interface PdfCheck {
  write(chunk: Buffer): void;
  verdict(): Promise<PdfVerdict>;
  /** The upload failed: stop checking. */
  cancel(): void;
}

/**
 * Checks a PDF's structure with poppler's `pdfinfo`, fed on its standard input while the upload
 * streams (no temporary file): it must find the cross-reference table, the trailer and at least
 * one page. It never decompresses page content, so a compressed bomb costs it nothing; a
 * timeout bounds the rest. A check that cannot run at all (no pdfinfo) is an error, not a
 * verdict: the upload fails instead of letting an unchecked file through.
 */
@Injectable()
export class PdfChecker {
  constructor(@Inject(PDF_CHECK_SETTINGS) private readonly settings: PdfCheckSettings) {}

  probeRendering(pdf: Buffer): Promise<PdfVerdict | { ok: true }> {
    return probeRendering(pdf, this.settings);
  }

  start(): PdfCheck {
    const child = spawn(this.settings.pdfinfoPath, ['fd://0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text.slice(0, 8_192)));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text.slice(0, 2_048)));
    // pdfinfo may stop reading early (it gave up): the rest of the bytes are not its business.
    child.stdin.on('error', () => undefined);
    const exited = new Promise<PdfVerdict>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ ok: false, reason: `pdfinfo took more than ${this.settings.timeoutMs} ms` });
      }, this.settings.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`pdfinfo could not run: ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) {
          resolve({ ok: false, reason: firstLine(stderr) || `pdfinfo exited with ${code}` });
          return;
        }
        const pages = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? 0);
        resolve(pages > 0 ? { ok: true, pages } : { ok: false, reason: 'no page' });
      });
    });
    return {
      write: (chunk) => {
        if (child.stdin.writable) child.stdin.write(chunk);
      },
      verdict: () => {
        child.stdin.end();
        return exited;
      },
      cancel: () => {
        child.kill('SIGKILL');
        exited.catch(() => undefined);
      },
    };
  }
}

/**
 * Renders every page at 4 dpi within a time limit. Drawing a page decodes all its content and
 * images whatever the resolution, so this costs a few milliseconds a page for a real document
 * and runs out of time for content that inflates to gigabytes, however it is built (one huge
 * stream, or a small one drawn a thousand times). Lives with `PdfChecker` for its settings.
 */
export async function probeRendering(
  pdf: Buffer,
  settings: Pick<PdfCheckSettings, 'pdftoppmPath' | 'renderProbeTimeoutMs'>,
): Promise<PdfVerdict | { ok: true }> {
  const directory = await mkdtemp(join(tmpdir(), 'sne-render-probe-'));
  try {
    const input = join(directory, 'document.pdf');
    await writeFile(input, pdf);
    return await new Promise((resolve, reject) => {
      execFile(
        settings.pdftoppmPath,
        ['-r', '4', '-gray', input, join(directory, 'page')],
        { timeout: settings.renderProbeTimeoutMs, killSignal: 'SIGKILL' },
        (error) => {
          if (!error) resolve({ ok: true });
          else if ((error as { killed?: boolean }).killed)
            resolve({
              ok: false,
              reason: `rendering took more than ${settings.renderProbeTimeoutMs} ms`,
            });
          else if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            reject(new Error(`pdftoppm could not run: ${error.message}`));
          // pdfinfo already accepted the structure: a page poppler cannot draw is left as it is.
          else resolve({ ok: true });
        },
      );
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const firstLine = (text: string) => text.split('\n').find((line) => line.trim()) ?? '';
