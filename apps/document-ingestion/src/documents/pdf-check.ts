import { Inject, Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';

export const PDF_CHECK_SETTINGS = Symbol('PDF_CHECK_SETTINGS');

export interface PdfCheckSettings {
  readonly pdfinfoPath: string;
  readonly timeoutMs: number;
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

const firstLine = (text: string) => text.split('\n').find((line) => line.trim()) ?? '';
