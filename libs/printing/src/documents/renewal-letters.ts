/**
 * The day's renewal letters of one kind as one PDF for the mail house: one A4 page per
 * applicant, the address block where a DL window envelope shows it (NF Z10-011), then the letter.
 */
import {
  colours,
  CONTENT_WIDTH,
  DEFAULT_PORTAL_URL,
  drawHeader,
  fonts,
  frenchDate,
  MM,
  PAGE,
  pdfText,
  renderPdf,
} from './layout';
import type { PrintOptions } from './types';

export interface PrintedLetter {
  readonly numeroUnique: string;
  /** The recipient as printed on the envelope: "Madame Marie DUPONT". */
  readonly recipient: string;
  /** Postal address lines, the name excluded. */
  readonly address: readonly string[];
  readonly title: string;
  /** Paragraph lines; an empty string separates paragraphs. */
  readonly lines: readonly string[];
}

export interface RenewalLettersData extends PrintOptions {
  /** "Lettre simple", "Lettre recommandée"…: printed on each page for the mail house. */
  readonly kindLabel: string;
  /** The day the letters are dated and posted. */
  readonly date: Date;
  readonly letters: readonly PrintedLetter[];
}

/** The window of a DL envelope: 100 mm from the left edge, 45 mm from the top. */
const ADDRESS_BLOCK = { x: 100 * MM, y: 45 * MM, width: 90 * MM };

export function renewalLettersPdf(data: RenewalLettersData): Promise<Buffer> {
  if (data.letters.length === 0) {
    return Promise.reject(new RangeError('a batch of letters holds at least one letter'));
  }
  return renderPdf(
    {
      title: `${data.kindLabel} — renouvellement — ${frenchDate(data.date)}`,
      subject: `${data.letters.length} courrier(s) de renouvellement de demandes de logement social`,
      generatedAt: data.generatedAt,
    },
    (doc) => {
      data.letters.forEach((letter, index) => {
        if (index > 0) doc.addPage();
        drawHeader(doc, data.portalUrl ?? DEFAULT_PORTAL_URL);
        doc
          .font(fonts.regular)
          .fontSize(10)
          .fillColor(colours.ink)
          .text(
            pdfText([letter.recipient, ...letter.address].join('\n')),
            ADDRESS_BLOCK.x,
            ADDRESS_BLOCK.y,
            { width: ADDRESS_BLOCK.width },
          );
        doc.y = Math.max(doc.y, ADDRESS_BLOCK.y + 35 * MM);
        doc
          .font(fonts.regular)
          .fontSize(9)
          .fillColor(colours.muted)
          .text(pdfText(`${data.kindLabel} — le ${frenchDate(data.date)}`), PAGE.margin, doc.y, {
            width: CONTENT_WIDTH,
            align: 'right',
          });
        doc.moveDown(1.5);
        doc
          .font(fonts.bold)
          .fontSize(11)
          .fillColor(colours.ink)
          .text(pdfText(letter.title), PAGE.margin, doc.y, { width: CONTENT_WIDTH });
        doc.moveDown(1);
        doc.font(fonts.regular).fontSize(10.5).fillColor(colours.ink);
        for (const line of letter.lines) {
          if (line === '') doc.moveDown(0.6);
          else
            doc.text(pdfText(line), PAGE.margin, doc.y, { width: CONTENT_WIDTH, align: 'justify' });
        }
        doc
          .font(fonts.regular)
          .fontSize(8)
          .fillColor(colours.muted)
          .text(
            pdfText(`${letter.numeroUnique} — page ${index + 1}/${data.letters.length}`),
            PAGE.margin,
            PAGE.height - PAGE.margin - 10,
            { width: CONTENT_WIDTH, align: 'center', lineBreak: false },
          );
      });
    },
  );
}
