import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SeparatedPages {
  /** Some pages, in this order, as a PDF of their own. */
  extract(pages: readonly number[]): Promise<Buffer>;
}

/**
 * A batch cut into one-page PDFs once (poppler's pdfseparate), from which each demand's pages
 * are put together (pdfunite), in a private temporary directory removed afterwards.
 */
export async function withSeparatedPages<T>(
  pdf: Buffer,
  timeoutMs: number,
  work: (pages: SeparatedPages) => Promise<T>,
): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'sne-batch-'));
  try {
    const input = join(directory, 'batch.pdf');
    await writeFile(input, pdf);
    await run('pdfseparate', [input, join(directory, 'page-%d.pdf')], { timeout: timeoutMs });
    let made = 0;
    return await work({
      extract: async (pages) => {
        const output = join(directory, `pieces-${made++}.pdf`);
        await run(
          'pdfunite',
          [...pages.map((page) => join(directory, `page-${page}.pdf`)), output],
          {
            timeout: timeoutMs,
          },
        );
        return readFile(output);
      },
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
