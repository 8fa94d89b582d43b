/**
 * What every printed document shares: A4 pages, the register's header, labelled fields, the QR
 * code, and metadata fixed by the caller's dates so one input always gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import { QR_QUIET_ZONE, qrMatrix } from '../qr-code';

export const DEFAULT_PORTAL_URL = 'www.demande-logement-social.gouv.fr';
export const PDF_AUTHOR = 'Système national d’enregistrement des demandes de logement social';

/** Points per millimetre: PDF units are 1/72 inch. */
export const MM = 72 / 25.4;
export const PAGE = { width: 595.28, height: 841.89, margin: 20 * MM } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;

const FONT = 'Helvetica';
const FONT_BOLD = 'Helvetica-Bold';
const INK = '#000000';
const MUTED = '#444444';

export interface PdfMetadata {
  readonly title: string;
  readonly subject: string;
  readonly author?: string;
  /** The document's creation instant, written as its CreationDate. */
  readonly generatedAt: Date;
}

export type Pdf = PDFKit.PDFDocument;

export function renderPdf(
  metadata: PdfMetadata,
  draw: (doc: Pdf) => void,
  /** Keeps every page open, for a first page that shows what only the last one knows. */
  options: { bufferPages?: boolean } = {},
): Promise<Buffer> {
  if (Number.isNaN(metadata.generatedAt.getTime())) {
    return Promise.reject(new RangeError('generatedAt is not a valid date'));
  }
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    lang: 'fr-FR',
    displayTitle: true,
    bufferPages: options.bufferPages ?? false,
    info: {
      // Metadata strings are Unicode in a PDF: only the page text is limited to WinAnsi.
      Title: metadata.title,
      Subject: metadata.subject,
      Author: metadata.author ?? PDF_AUTHOR,
      Creator: 'SNE @sne/printing',
      Producer: 'PDFKit',
      CreationDate: metadata.generatedAt,
      ModDate: metadata.generatedAt,
    },
  });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * The built-in Helvetica only knows WinAnsi (Latin-1 plus œ, Œ, €, typographic quotes and
 * dashes): French prints as is; other letters lose their diacritics rather than print as
 * garbage (Dvořák → Dvorak), and what is left becomes "?".
 */
export function pdfText(text: string): string {
  let result = '';
  for (const char of text.normalize('NFC')) {
    if (isWinAnsi(char) || char === '\n') result += char;
    else if (/\s/.test(char)) result += ' ';
    else {
      const stripped = (UNDECOMPOSABLE[char] ?? char).normalize('NFD').replace(/\p{M}/gu, '');
      result += stripped.length > 0 && [...stripped].every(isWinAnsi) ? stripped : '?';
    }
  }
  return result;
}

/** Latin letters whose stroke is not a combining mark, so NFD leaves them whole. */
const UNDECOMPOSABLE: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
  Ŋ: 'N',
  ŋ: 'n',
};

const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (
    (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char)
  );
}

/** A calendar date (read in UTC, as everywhere in the register) the French way: 03/12/2015. */
export function frenchDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const day = String(date.getUTCDate()).padStart(2, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${day}/${month}/${date.getUTCFullYear()}`;
}

/**
 * The code is drawn as vector squares, one rectangle per run of dark modules: crisp at any
 * printer or scanner resolution. An embedded PNG was tried first; poppler's downsampling of it
 * left some module sizes unreadable (a 45 mm code failed at 150 dpi but read at 100 and 200).
 * `size` includes the quiet zone.
 */
export function drawQrCode(
  doc: Pdf,
  text: string,
  position: { x: number; y: number; size: number; caption?: string },
): void {
  const matrix = qrMatrix(text);
  const module = position.size / (matrix.size + 2 * QR_QUIET_ZONE);
  const originX = position.x + QR_QUIET_ZONE * module;
  const originY = position.y + QR_QUIET_ZONE * module;
  doc.save();
  doc.rect(position.x, position.y, position.size, position.size).fill('#ffffff');
  for (let row = 0; row < matrix.size; row += 1) {
    let column = 0;
    while (column < matrix.size) {
      if (!matrix.isDark(row, column)) {
        column += 1;
        continue;
      }
      const start = column;
      while (column < matrix.size && matrix.isDark(row, column)) column += 1;
      doc.rect(originX + start * module, originY + row * module, (column - start) * module, module);
    }
  }
  // One path for every square: no hairline seams between neighbours when rasterised.
  doc.fill(INK);
  doc.restore();
  if (position.caption !== undefined) {
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor(MUTED)
      .text(pdfText(position.caption), position.x, position.y + position.size + 2, {
        width: position.size,
        align: 'center',
      });
  }
}

export function drawHeader(doc: Pdf, portalUrl: string = DEFAULT_PORTAL_URL): void {
  const top = PAGE.margin;
  doc
    .font(FONT_BOLD)
    .fontSize(10)
    .fillColor(INK)
    .text('RÉPUBLIQUE FRANÇAISE', PAGE.margin, top, { width: CONTENT_WIDTH });
  doc
    .font(FONT)
    .fontSize(9)
    .fillColor(MUTED)
    .text(pdfText('Système national d’enregistrement des demandes de logement social'), {
      width: CONTENT_WIDTH,
    })
    .text(pdfText(portalUrl), { width: CONTENT_WIDTH });
  const ruleY = doc.y + 6;
  doc
    .moveTo(PAGE.margin, ruleY)
    .lineTo(PAGE.width - PAGE.margin, ruleY)
    .lineWidth(0.8)
    .strokeColor(INK)
    .stroke();
  doc.y = ruleY + 14;
}

export function drawTitle(doc: Pdf, title: string, subtitle?: string, width = CONTENT_WIDTH): void {
  doc.font(FONT_BOLD).fontSize(17).fillColor(INK).text(pdfText(title), PAGE.margin, doc.y, {
    width,
  });
  if (subtitle !== undefined) {
    doc.moveDown(0.3).font(FONT).fontSize(10).fillColor(MUTED).text(pdfText(subtitle), { width });
  }
  doc.moveDown(1);
}

export interface Field {
  readonly label: string;
  readonly value: string | readonly string[];
  readonly emphasis?: boolean;
}

export interface ValueBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/**
 * Label on the left, value on the right; long values wrap inside their column. Returns where
 * each value was written, for a value only known once the rest of the document is laid out.
 */
export function drawFields(
  doc: Pdf,
  fields: readonly Field[],
  options: { x?: number; width?: number; labelWidth?: number; fontSize?: number } = {},
): ValueBox[] {
  const boxes: ValueBox[] = [];
  const x = options.x ?? PAGE.margin;
  const width = options.width ?? CONTENT_WIDTH;
  const labelWidth = options.labelWidth ?? 150;
  const fontSize = options.fontSize ?? 11;
  const valueWidth = width - labelWidth - 8;
  for (const field of fields) {
    const y = doc.y;
    const value = pdfText(typeof field.value === 'string' ? field.value : field.value.join('\n'));
    doc
      .font(FONT)
      .fontSize(fontSize)
      .fillColor(MUTED)
      .text(pdfText(`${field.label} :`), x, y, { width: labelWidth });
    const labelBottom = doc.y;
    doc
      .font(field.emphasis === true ? FONT_BOLD : FONT)
      .fontSize(field.emphasis === true ? fontSize + 2 : fontSize)
      .fillColor(INK)
      .text(value.length > 0 ? value : '—', x + labelWidth + 8, y, { width: valueWidth });
    boxes.push({ x: x + labelWidth + 8, y, width: valueWidth });
    doc.y = Math.max(doc.y, labelBottom) + fontSize * 0.45;
  }
  doc.x = PAGE.margin;
  return boxes;
}

export function drawSectionTitle(doc: Pdf, title: string): void {
  doc.moveDown(0.6);
  doc
    .font(FONT_BOLD)
    .fontSize(12)
    .fillColor(INK)
    .text(pdfText(title), PAGE.margin, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.3);
}

export function drawParagraph(doc: Pdf, text: string, fontSize = 10): void {
  doc
    .font(FONT)
    .fontSize(fontSize)
    .fillColor(INK)
    .text(pdfText(text), PAGE.margin, doc.y, { width: CONTENT_WIDTH, align: 'justify' });
  doc.moveDown(0.5);
}

export function drawFooter(doc: Pdf, text: string): void {
  // Writing inside the bottom margin would make pdfkit open a new page.
  const bottomMargin = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor(MUTED)
    .text(pdfText(text), PAGE.margin, PAGE.height - PAGE.margin + 4, {
      width: CONTENT_WIDTH,
      align: 'center',
      lineBreak: false,
    });
  doc.page.margins.bottom = bottomMargin;
}

export const fonts = { regular: FONT, bold: FONT_BOLD } as const;
export const colours = { ink: INK, muted: MUTED } as const;
