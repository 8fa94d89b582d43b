/**
 * The batch's pages read in several ranges at once, through poppler: the same codes as one
 * sequential read, whatever the page count said, and a page that does not render in time fails
 * the whole read. Needs poppler-utils.
 */
import { PdfRenderTimeoutError, readQrCodesFromPdf, summarySheetPdf } from '@sne/printing';
import { generateKeyPairSync } from 'node:crypto';
import {
  compressedBombPdf,
  textPdf,
  unitedPdf,
} from '../../../../libs/printing/src/testing/test-pdfs';
import { readPageCodes } from './page-codes';

const { privateKey } = generateKeyPairSync('ed25519');
const guichet = { code: '10691', name: 'Metz Habitat Territoire', department: '057' };
const at = new Date('2026-01-05T08:00:00Z');

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

describe('readPageCodes', () => {
  const numeros = ['057 0126 000001 10691', '057 0126 000002 10691', '057 0126 000003 10691'];
  /** 19 pages, summary sheets on pages 1, 8 and 17: three ranges with two lanes. */
  let batch: Buffer;

  beforeAll(async () => {
    const pages: Buffer[] = [];
    for (let page = 1; page <= 19; page++) {
      const sheetIndex = [1, 8, 17].indexOf(page);
      pages.push(
        sheetIndex >= 0 ? await sheet(numeros[sheetIndex]) : await textPdf(`Pièce page ${page}`),
      );
    }
    batch = await unitedPdf(pages);
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
      pages.push(page === 12 ? compressedBombPdf() : await textPdf(`Page ${page}`));
    const withBomb = await unitedPdf(pages);

    await expect(
      readPageCodes(withBomb, { dpi: 100, timeoutMs: 3_000, pageCount: 19, lanes: 2 }),
    ).rejects.toThrow(PdfRenderTimeoutError);
  });
});
