/**
 * The fiche récapitulative: one per demand, stapled on top of its supporting documents. In a
 * scanned batch it is the separator: the pages after it, up to the next sheet, are that demand's.
 */
import { KeyObject } from 'node:crypto';
import { encodeQrPayload } from '../qr-payload';
import {
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
  pdfText,
  renderPdf,
} from './layout';
import { guichetLabel, PrintedApplicant, PrintedGuichet, PrintOptions } from './types';

export interface SummarySheetData extends PrintOptions {
  readonly numeroUnique: string;
  readonly applicant: PrintedApplicant;
  readonly depositDate?: Date;
  /** Left out when the applicant prints the sheet from the portal. */
  readonly guichet?: PrintedGuichet;
  readonly documentCount: number;
  /** Pages of the demand's documents, this sheet included. */
  readonly pageCount: number;
  /** "Date de remplissage": the day the sheet was generated. */
  readonly filledOn: Date;
}

/** Big enough that a 100-dpi scan still gives every module 3-4 pixels. */
const QR_SIZE = 70 * MM;

export function summarySheetPdf(data: SummarySheetData, signingKey: KeyObject): Promise<Buffer> {
  return renderPdf(
    {
      title: `Fiche récapitulative n° ${data.numeroUnique}`,
      subject: 'Fiche récapitulative pour la numérisation des pièces justificatives',
      generatedAt: data.generatedAt,
    },
    (doc) => {
      // Inside the rendering, so an invalid payload rejects the promise rather than throwing.
      const qrText = encodeQrPayload(
        {
          kind: 'summary-sheet',
          numeroUnique: data.numeroUnique,
          filledOn: data.filledOn,
          documentCount: data.documentCount,
          pageCount: data.pageCount,
        },
        signingKey,
      );
      drawHeader(doc, data.portalUrl ?? DEFAULT_PORTAL_URL);
      drawTitle(
        doc,
        'Fiche récapitulative',
        'Obligatoire pour la numérisation et le téléchargement des pièces justificatives dans le ' +
          'dossier du demandeur',
      );
      const qrTop = doc.y;
      drawQrCode(doc, qrText, {
        x: (PAGE.width - QR_SIZE) / 2,
        y: qrTop,
        size: QR_SIZE,
      });
      doc
        .font(fonts.bold)
        .fontSize(20)
        .text(pdfText(data.numeroUnique), PAGE.margin, qrTop + QR_SIZE + 6, {
          width: CONTENT_WIDTH,
          align: 'center',
        });
      doc.moveDown(1);

      drawFields(
        doc,
        [
          { label: 'Nom', value: data.applicant.lastName.toUpperCase(), emphasis: true },
          { label: 'Prénoms', value: data.applicant.firstNames },
          {
            label: 'Date de naissance',
            value:
              data.applicant.birthDate === undefined ? '' : frenchDate(data.applicant.birthDate),
          },
          { label: 'Numéro unique', value: data.numeroUnique },
          ...(data.depositDate === undefined
            ? []
            : [{ label: 'Date de dépôt', value: frenchDate(data.depositDate) }]),
          ...(data.guichet === undefined
            ? []
            : [{ label: 'Guichet', value: guichetLabel(data.guichet) }]),
          { label: 'Nombre de documents transmis', value: String(data.documentCount) },
          {
            label: 'Nombre de pages, y compris la présente fiche',
            value: String(data.pageCount),
          },
          { label: 'Date de remplissage', value: frenchDate(data.filledOn) },
        ],
        { labelWidth: 200 },
      );
      doc.moveDown(0.8);
      drawParagraph(
        doc,
        'Placez cette fiche au-dessus des pièces justificatives de la demande et agrafez-les ' +
          'ensemble ; une fiche par demande. Le recto et le verso d’une même pièce se suivent. ' +
          'Ne pliez pas et n’écrivez pas sur le code QR.',
        9,
      );
      drawFooter(doc, `Fiche récapitulative — demande n° ${data.numeroUnique}`);
    },
  );
}
