import { type PageQrCode, readQrCodesFromPdf } from '@sne/printing';
import { availableParallelism } from 'node:os';

export interface PageCodesOptions {
  readonly dpi: number;
  /** Per poppler call. */
  readonly timeoutMs: number;
  /** The batch's page count as pdfinfo gave it at upload; 0 when unknown. */
  readonly pageCount: number;
  /** Ranges read at once; the machine's cores by default. */
  readonly lanes?: number;
}

/** A range's first call pays a decoder start and a cold jsQR: not worth it below this. */
const MIN_RANGE_PAGES = 8;
/** Bigger ranges would leave one lane working alone at the end. */
const MAX_RANGE_PAGES = 32;

/**
 * Page ranges, large first and smaller towards the end (guided scheduling), so that lanes
 * finish together. The last range has no end: pages the count missed are read all the same.
 */
export function pageRanges(
  pageCount: number,
  lanes: number,
): Array<{ readonly firstPage: number; readonly lastPage?: number }> {
  const ranges: Array<{ firstPage: number; lastPage?: number }> = [];
  let firstPage = 1;
  while (firstPage <= pageCount) {
    const remaining = pageCount - firstPage + 1;
    let size = Math.max(
      MIN_RANGE_PAGES,
      Math.min(MAX_RANGE_PAGES, Math.ceil(remaining / (2 * lanes))),
    );
    // A remainder too small for a range of its own joins this one.
    if (remaining - size < MIN_RANGE_PAGES) size = remaining;
    ranges.push({ firstPage, lastPage: firstPage + size - 1 });
    firstPage += size;
  }
  if (ranges.length === 0) return [{ firstPage: 1 }];
  delete ranges[ranges.length - 1].lastPage;
  return ranges;
}

/**
 * Each page's QR code, read by several ranges at once: within one call of `readQrCodesFromPdf`
 * pdftoppm renders, then jsQR decodes, one after the other, so a single call keeps one core busy
 * out of two. The first failure (a page poppler cannot render in time) stops the lanes from
 * starting new ranges and is thrown once the running ones are over (their files removed).
 */
export async function readPageCodes(pdf: Buffer, options: PageCodesOptions): Promise<PageQrCode[]> {
  const lanes = Math.max(1, options.lanes ?? Math.min(availableParallelism(), 4));
  const ranges = pageRanges(options.pageCount, lanes);
  const read: PageQrCode[][] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < ranges.length) {
      const index = next++;
      try {
        read[index] = await readQrCodesFromPdf(pdf, {
          ...ranges[index],
          dpi: options.dpi,
          timeoutMs: options.timeoutMs,
        });
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, ranges.length) }, lane));
  if (failure !== undefined) throw failure.error;
  return read.flat();
}
