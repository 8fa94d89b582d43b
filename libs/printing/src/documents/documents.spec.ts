import { generateKeyPairSync } from 'node:crypto';
import { InvalidQrPayloadError } from '../qr-payload';
import { factory } from '../testing/fixtures';
import { registrationCertificatePdf, renewalCertificatePdf } from './certificates';
import { frenchDate, pdfText } from './layout';
import { summarySheetPdf } from './summary-sheet';
import { transmittalSlipPdf } from './transmittal-slip';

const { privateKey } = generateKeyPairSync('ed25519');

const generators = {
  'registration certificate': () =>
    registrationCertificatePdf(factory.registrationCertificate(), privateKey),
  'renewal certificate': () => renewalCertificatePdf(factory.renewalCertificate(), privateKey),
  'summary sheet': () => summarySheetPdf(factory.summarySheet(), privateKey),
  'transmittal slip': () => transmittalSlipPdf(factory.transmittalSlip(), privateKey),
};

describe('printed documents', () => {
  describe.each(Object.entries(generators))('%s', (_, generate) => {
    it('is a PDF', async () => {
      const pdf = await generate();
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    });

    it('gives the same bytes for the same inputs', async () => {
      expect((await generate()).equals(await generate())).toBe(true);
    });
  });

  it('dates the PDF with the injected instant, not the clock', async () => {
    const pdf = await summarySheetPdf(
      factory.summarySheet({ generatedAt: new Date('2016-03-14T08:30:00Z') }),
      privateKey,
    );
    expect(pdf.toString('latin1')).toContain('(D:20160314083000Z)');
  });

  it('refuses to print a certificate for a malformed numéro', async () => {
    await expect(
      registrationCertificatePdf(
        factory.registrationCertificate({ numeroUnique: '57 1215 073903 10691' }),
        privateKey,
      ),
    ).rejects.toThrow(InvalidQrPayloadError);
  });

  it('refuses an invalid generation instant', async () => {
    await expect(
      summarySheetPdf(factory.summarySheet({ generatedAt: new Date(NaN) }), privateKey),
    ).rejects.toThrow(RangeError);
  });

  describe('transmittal slip', () => {
    it('needs at least one demand', async () => {
      await expect(
        transmittalSlipPdf(factory.transmittalSlip({ demands: [] }), privateKey),
      ).rejects.toThrow('at least one demand');
    });

    it('refuses a demand without pages or with a malformed number', async () => {
      await expect(
        transmittalSlipPdf(
          factory.transmittalSlip({
            demands: [{ numeroUnique: '057 1215 073903 10691', pageCount: 0 }],
          }),
          privateKey,
        ),
      ).rejects.toThrow('page count 0');
      await expect(
        transmittalSlipPdf(
          factory.transmittalSlip({ demands: [{ numeroUnique: '057-1215', pageCount: 2 }] }),
          privateKey,
        ),
      ).rejects.toThrow('not a numéro unique');
    });
  });

  describe('pdfText', () => {
    it('keeps French as it is', () => {
      const french = 'Œuvre à l’école : « Bâtiment », Noël, çà et là, 12 €';
      expect(pdfText(french)).toBe(french);
    });

    it('drops the diacritics Helvetica cannot print rather than printing garbage', () => {
      expect(pdfText('Dvořák Łukasz Nguyễn Şahin')).toBe('Dvorák Lukasz Nguyen Sahin');
    });

    it('marks what has no Latin spelling', () => {
      expect(pdfText('李 😀')).toBe('? ?');
    });

    it('keeps line breaks and flattens other spacing', () => {
      expect(pdfText('a\nb\tc\u00a0d')).toBe('a\nb c\u00a0d');
    });
  });

  it('writes calendar dates the French way, in UTC', () => {
    expect(frenchDate(new Date(Date.UTC(2015, 11, 3)))).toBe('03/12/2015');
    expect(() => frenchDate(new Date(NaN))).toThrow(RangeError);
  });
});
