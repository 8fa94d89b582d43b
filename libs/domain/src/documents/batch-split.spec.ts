import { batchLoadingStart, type BatchPageCode, splitBatch } from './batch-split';

const A = '057 1215 073903 10691';
const B = '057 0116 000412 10691';
const slip = (demandCount: number, pageCount: number): BatchPageCode => ({
  kind: 'transmittal-slip',
  guichetCode: '10691',
  demandCount,
  pageCount,
});
const sheet = (numeroUnique: string, pageCount: number): BatchPageCode => ({
  kind: 'summary-sheet',
  numeroUnique,
  documentCount: 1,
  pageCount,
});

describe(splitBatch.name, () => {
  describe('a guichet batch', () => {
    it('splits at each summary sheet, the sheet itself left out', () => {
      expect(
        splitBatch([slip(2, 6), sheet(A, 3), null, null, sheet(B, 2), null], 'guichet'),
      ).toEqual({
        groups: [
          { numeroUnique: A, separatorPage: 2, pages: [3, 4] },
          { numeroUnique: B, separatorPage: 5, pages: [6] },
        ],
        rejections: [],
      });
    });

    it('rejects the whole batch without a slip first, or when the slip counts differ', () => {
      expect(splitBatch([sheet(A, 2), null], 'guichet')).toEqual({
        groups: [],
        rejections: [{ reason: 'no-transmittal-slip', pages: [1, 2] }],
      });
      expect(splitBatch([slip(2, 3), sheet(A, 2), null], 'guichet').rejections).toEqual([
        {
          reason: 'slip-count-mismatch',
          pages: [1, 2, 3],
          detail: 'slip: 2 demands, 3 pages; batch: 1 summary sheets, 3 pages',
        },
      ]);
      expect(splitBatch([slip(1, 4), sheet(A, 2), null], 'guichet').rejections[0]?.reason).toBe(
        'slip-count-mismatch',
      );
    });

    it('rejects pages before the first sheet, and those after an unreadable one', () => {
      const split = splitBatch(
        [
          slip(2, 8),
          null,
          sheet(A, 2),
          null,
          { kind: 'unreadable', reason: 'bad-signature' },
          null,
          null,
          sheet(B, 2),
        ],
        'guichet',
      );
      expect(split.groups).toEqual([{ numeroUnique: A, separatorPage: 3, pages: [4] }]);
      expect(split.rejections).toEqual([
        { reason: 'no-summary-sheet', pages: [2] },
        { reason: 'unreadable-sheet', pages: [5, 6, 7], detail: 'bad-signature' },
        { reason: 'no-pieces', pages: [8], numeroUnique: B },
      ]);
    });

    it("rejects a demand whose page count is not its sheet's", () => {
      const split = splitBatch([slip(2, 6), sheet(A, 2), null, null, sheet(B, 2), null], 'guichet');
      expect(split.groups).toEqual([{ numeroUnique: B, separatorPage: 5, pages: [6] }]);
      expect(split.rejections).toEqual([
        {
          reason: 'page-count-mismatch',
          pages: [2, 3, 4],
          numeroUnique: A,
          detail: 'sheet: 2 pages; batch: 3',
        },
      ]);
    });

    it('rejects a certificate or a second slip in the middle', () => {
      const split = splitBatch(
        [
          slip(1, 5),
          sheet(A, 2),
          null,
          { kind: 'registration-certificate', numeroUnique: B },
          null,
        ],
        'guichet',
      );
      expect(split.rejections).toEqual([{ reason: 'unexpected-page', pages: [4, 5] }]);
    });
  });

  describe("an applicant's batch", () => {
    it('attaches every page after the certificate to its demand', () => {
      expect(
        splitBatch(
          [{ kind: 'registration-certificate', numeroUnique: A }, null, null],
          'applicant',
        ),
      ).toEqual({ groups: [{ numeroUnique: A, separatorPage: 1, pages: [2, 3] }], rejections: [] });
    });

    it('needs the certificate first, and pieces after it', () => {
      expect(splitBatch([null, null], 'applicant').rejections).toEqual([
        { reason: 'no-certificate', pages: [1, 2] },
      ]);
      expect(
        splitBatch([{ kind: 'registration-certificate', numeroUnique: A }], 'applicant').rejections,
      ).toEqual([{ reason: 'no-pieces', pages: [1], numeroUnique: A }]);
    });
  });

  it('rejects an empty batch', () => {
    expect(splitBatch([], 'guichet').rejections).toEqual([
      { reason: 'no-transmittal-slip', pages: [] },
    ]);
  });
});

describe(batchLoadingStart.name, () => {
  it('loads at once without a window, or inside it', () => {
    const now = new Date('2026-01-15T22:30:00Z'); // 23:30 in Paris
    expect(batchLoadingStart(now, undefined)).toEqual(now);
    expect(batchLoadingStart(now, '22:00-06:00')).toEqual(now);
  });

  it('waits for the window to open, in Paris time', () => {
    // 10:00 in Paris in winter (UTC+1): the window opens at 22:00 Paris, 21:00 UTC.
    expect(batchLoadingStart(new Date('2026-01-15T09:00:00Z'), '22:00-06:00')).toEqual(
      new Date('2026-01-15T21:00:00Z'),
    );
    // In summer (UTC+2).
    expect(batchLoadingStart(new Date('2026-07-15T09:00:00Z'), '22:00-06:00')).toEqual(
      new Date('2026-07-15T20:00:00Z'),
    );
  });

  it('refuses a malformed window', () => {
    expect(() => batchLoadingStart(new Date(), '22h-6h')).toThrow(RangeError);
  });
});
