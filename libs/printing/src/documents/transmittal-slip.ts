/**
 * The bordereau de transmission: one per envelope (or per uploaded batch), on top of the
 * summary sheets and pieces of every demand it sends, listing the numbers and their page counts.
 */
import { KeyObject } from 'node:crypto';
import { formatNumeroUnique, parseNumeroUnique } from '@sne/domain';
import { encodeQrPayload } from '../qr-payload';
import {
  colours,
  CONTENT_WIDTH,
  DEFAULT_PORTAL_URL,
  drawFields,
  drawFooter,
  drawHeader,
  drawParagraph,
  drawQrCode,
  drawTitle,
  fonts,
  frenchDate,
  MM,
  PAGE,
  Pdf,
  pdfText,
  renderPdf,
} from './layout';
import { guichetLabel, PrintedGuichet, PrintOptions } from './types';

export interface TransmittedDemand {
  readonly numeroUnique: string;
  /** Printed in the list when given, e.g. "DUPONT Marie". */
  readonly applicantName?: string;
  /** Pages of the demand's documents, its summary sheet included. */
  readonly pageCount: number;
}

export interface TransmittalSlipData extends PrintOptions {
  readonly guichet: PrintedGuichet & { readonly department: string };
  /** The sender's reference for the envelope or upload: letters, digits, `.`, `_`, `-`. */
  readonly batchId: string;
  readonly sentOn: Date;
  readonly demands: readonly TransmittedDemand[];
}

const QR_SIZE = 50 * MM;
const ROW_HEIGHT = 16;
const COLUMNS = [
  { title: 'N°', width: 36, align: 'right' },
  { title: 'Numéro unique', width: 150, align: 'left' },
  { title: 'Demandeur', width: CONTENT_WIDTH - 36 - 150 - 60 - 3 * 8, align: 'left' },
  { title: 'Pages', width: 60, align: 'right' },
] as const;

export function transmittalSlipPdf(
  data: TransmittalSlipData,
  signingKey: KeyObject,
): Promise<Buffer> {
  if (data.demands.length === 0) {
    return Promise.reject(new RangeError('a transmittal slip lists at least one demand'));
  }
  const badCount = data.demands.find(
    (demand) => !Number.isInteger(demand.pageCount) || demand.pageCount < 1,
  );
  if (badCount !== undefined) {
    return Promise.reject(
      new RangeError(`${badCount.numeroUnique}: page count ${badCount.pageCount} below 1`),
    );
  }
  const badNumero = data.demands.find((demand) => !isNumeroUnique(demand.numeroUnique));
  if (badNumero !== undefined) {
    return Promise.reject(new RangeError(`"${badNumero.numeroUnique}" is not a numéro unique`));
  }
  const demandPages = data.demands.reduce((sum, demand) => sum + demand.pageCount, 0);
  const title = 'Bordereau de transmission';

  return renderPdf(
    {
      title: `${title} ${data.batchId} — guichet ${data.guichet.code}`,
      subject: 'Bordereau de transmission des pièces justificatives',
      generatedAt: data.generatedAt,
    },
    (doc) => {
      drawHeader(doc, data.portalUrl ?? DEFAULT_PORTAL_URL);
      const top = doc.y;
      const leftWidth = CONTENT_WIDTH - QR_SIZE - 16;
      drawTitle(
        doc,
        title,
        'Obligatoire pour la transmission des pièces justificatives des dossiers des demandeurs',
        leftWidth,
      );
      const [, , , , , totalBox] = drawFields(
        doc,
        [
          { label: 'Guichet', value: guichetLabel(data.guichet) },
          { label: 'Numéro du guichet', value: data.guichet.code, emphasis: true },
          { label: 'Département du guichet', value: data.guichet.department },
          { label: 'Référence de l’envoi', value: data.batchId },
          { label: 'Nombre de dossiers transmis', value: String(data.demands.length) },
          // Written once the list is laid out: the slip's own pages count too.
          { label: 'Nombre total de pages', value: ' ' },
          { label: 'Date de transmission', value: frenchDate(data.sentOn) },
        ],
        { width: leftWidth, labelWidth: 140 },
      );
      doc.y = Math.max(doc.y, top + QR_SIZE + 16) + 6;
      drawParagraph(
        doc,
        'Nombre total de pages : y compris les fiches récapitulatives et le présent bordereau. ' +
          'RAPPEL : les pièces justificatives d’une même demande doivent être précédées de la ' +
          'fiche récapitulative de la demande.',
        9,
      );
      doc.moveDown(0.5);

      const makeRoom = (height: number) => {
        if (doc.y + height <= PAGE.height - PAGE.margin) return;
        doc.addPage();
        drawHeader(doc, data.portalUrl ?? DEFAULT_PORTAL_URL);
        doc
          .font(fonts.bold)
          .fontSize(11)
          .fillColor(colours.ink)
          .text(pdfText(`${title} ${data.batchId} (suite)`), PAGE.margin, doc.y);
        doc.moveDown(0.8);
        drawTableHeader(doc);
      };
      drawTableHeader(doc);
      data.demands.forEach((demand, index) => {
        makeRoom(ROW_HEIGHT);
        drawRow(doc, [
          String(index + 1),
          demand.numeroUnique,
          demand.applicantName ?? '',
          String(demand.pageCount),
        ]);
      });
      makeRoom(ROW_HEIGHT + 4);

      const range = doc.bufferedPageRange();
      const totalPages = demandPages + range.count;
      doc.y += 4;
      drawRow(doc, ['', 'Total', `${range.count} page(s) de bordereau`, String(totalPages)], true);

      doc.switchToPage(range.start);
      if (totalBox !== undefined) {
        doc
          .font(fonts.regular)
          .fontSize(11)
          .fillColor(colours.ink)
          .text(String(totalPages), totalBox.x, totalBox.y, { width: totalBox.width });
      }
      drawQrCode(
        doc,
        encodeQrPayload(
          {
            kind: 'transmittal-slip',
            guichetCode: data.guichet.code,
            department: data.guichet.department,
            batchId: data.batchId,
            sentOn: data.sentOn,
            demandCount: data.demands.length,
            pageCount: totalPages,
          },
          signingKey,
        ),
        {
          x: PAGE.width - PAGE.margin - QR_SIZE,
          y: top,
          size: QR_SIZE,
          caption: 'Code du bordereau',
        },
      );
      for (let page = range.start; page < range.start + range.count; page += 1) {
        doc.switchToPage(page);
        drawFooter(
          doc,
          `${title} ${data.batchId} — guichet ${data.guichet.code} — page ${page - range.start + 1} / ${range.count}`,
        );
      }
    },
    { bufferPages: true },
  );
}

function drawTableHeader(doc: Pdf): void {
  drawRow(
    doc,
    COLUMNS.map((column) => column.title),
    true,
  );
  doc
    .moveTo(PAGE.margin, doc.y - 3)
    .lineTo(PAGE.width - PAGE.margin, doc.y - 3)
    .lineWidth(0.5)
    .strokeColor(colours.muted)
    .stroke();
}

function drawRow(doc: Pdf, cells: readonly string[], bold = false): void {
  const y = doc.y;
  let x = PAGE.margin;
  doc
    .font(bold ? fonts.bold : fonts.regular)
    .fontSize(9)
    .fillColor(colours.ink);
  COLUMNS.forEach((column, index) => {
    doc.text(pdfText(cells[index] ?? ''), x, y, {
      width: column.width,
      align: column.align,
      lineBreak: false,
      ellipsis: true,
      height: ROW_HEIGHT,
    });
    x += column.width + 8;
  });
  doc.x = PAGE.margin;
  doc.y = y + ROW_HEIGHT;
}

function isNumeroUnique(text: string): boolean {
  try {
    return formatNumeroUnique(parseNumeroUnique(text)) === text;
  } catch {
    return false;
  }
}
