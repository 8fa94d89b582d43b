/**
 * The attestation d'enregistrement and the attestation de renouvellement sent to the applicant.
 * The QR code is on the first page because an applicant posting paper to the scanning service
 * staples a copy of that page to the pieces instead of a fiche récapitulative.
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
  drawSectionTitle,
  drawTitle,
  Field,
  frenchDate,
  MM,
  PAGE,
  renderPdf,
} from './layout';
import {
  applicantName,
  guichetLabel,
  PrintedApplicant,
  PrintedGuichet,
  PrintOptions,
} from './types';

export interface RegistrationCertificateData extends PrintOptions {
  readonly numeroUnique: string;
  readonly applicant: PrintedApplicant;
  /** The guichet that registered the demand (the portal is one more guichet). */
  readonly guichet: PrintedGuichet;
  /** Date of receipt of the complete demand: its seniority. */
  readonly depositDate: Date;
  /** The demand must be renewed before this date (the anniversary of the deposit). */
  readonly validUntil: Date;
  /** The date printed as "Fait le". */
  readonly issuedOn: Date;
  readonly wishedCommunes?: readonly string[];
  /** Landlords present in the wished communes. */
  readonly landlords?: readonly string[];
}

export interface RenewalCertificateData extends RegistrationCertificateData {
  readonly renewalDate: Date;
}

const QR_SIZE = 50 * MM;

export function registrationCertificatePdf(
  data: RegistrationCertificateData,
  signingKey: KeyObject,
): Promise<Buffer> {
  const qrText = () =>
    encodeQrPayload(
      {
        kind: 'registration-certificate',
        numeroUnique: data.numeroUnique,
        depositDate: data.depositDate,
      },
      signingKey,
    );
  return certificatePdf(data, qrText, {
    title: 'Attestation d’enregistrement de demande de logement social',
    introduction:
      'Votre demande de logement social a bien été enregistrée. Son numéro unique atteste de la ' +
      'date de dépôt de votre demande, qui fixe son ancienneté : rappelez-le dans toutes vos ' +
      'démarches.',
    dates: [
      { label: 'Date de dépôt', value: frenchDate(data.depositDate) },
      { label: 'À renouveler avant le', value: frenchDate(data.validUntil) },
    ],
  });
}

export function renewalCertificatePdf(
  data: RenewalCertificateData,
  signingKey: KeyObject,
): Promise<Buffer> {
  const qrText = () =>
    encodeQrPayload(
      {
        kind: 'renewal-certificate',
        numeroUnique: data.numeroUnique,
        renewalDate: data.renewalDate,
        validUntil: data.validUntil,
      },
      signingKey,
    );
  return certificatePdf(data, qrText, {
    title: 'Attestation de renouvellement de demande de logement social',
    introduction:
      'Votre demande de logement social a bien été renouvelée. Elle garde son numéro unique et ' +
      'l’ancienneté de sa date de dépôt initial.',
    dates: [
      { label: 'Date de dépôt initial', value: frenchDate(data.depositDate) },
      { label: 'Date de renouvellement', value: frenchDate(data.renewalDate) },
      { label: 'À renouveler avant le', value: frenchDate(data.validUntil) },
    ],
  });
}

function certificatePdf(
  data: RegistrationCertificateData,
  /** Called while rendering, so an invalid payload rejects the promise rather than throwing. */
  qrText: () => string,
  wording: { title: string; introduction: string; dates: Field[] },
): Promise<Buffer> {
  const portalUrl = data.portalUrl ?? DEFAULT_PORTAL_URL;
  return renderPdf(
    {
      title: `${wording.title} n° ${data.numeroUnique}`,
      subject: wording.title,
      generatedAt: data.generatedAt,
    },
    (doc) => {
      const code = qrText();
      drawHeader(doc, portalUrl);
      const top = doc.y;
      const qrX = PAGE.width - PAGE.margin - QR_SIZE;
      drawQrCode(doc, code, {
        x: qrX,
        y: top,
        size: QR_SIZE,
        caption: 'Code de vérification de l’attestation',
      });
      const qrBottom = doc.y;
      doc.y = top;
      drawTitle(doc, wording.title, undefined, CONTENT_WIDTH - QR_SIZE - 16);
      drawFields(doc, [{ label: 'Numéro unique', value: data.numeroUnique, emphasis: true }], {
        width: CONTENT_WIDTH - QR_SIZE - 16,
        labelWidth: 95,
      });
      doc.y = Math.max(doc.y, qrBottom) + 8;
      drawParagraph(doc, wording.introduction);

      drawSectionTitle(doc, 'Votre demande');
      drawFields(doc, [
        ...wording.dates,
        {
          label: 'Enregistrée par',
          value: [guichetLabel(data.guichet), ...(data.guichet.address ?? [])],
        },
        ...(data.wishedCommunes === undefined
          ? []
          : [{ label: 'Communes souhaitées', value: data.wishedCommunes.join(', ') }]),
        ...(data.landlords === undefined
          ? []
          : [{ label: 'Bailleurs présents dans ces communes', value: data.landlords.join(', ') }]),
      ]);

      drawSectionTitle(doc, 'Demandeur');
      drawFields(doc, [
        { label: 'Nom et prénoms', value: applicantName(data.applicant) },
        ...(data.applicant.birthDate === undefined
          ? []
          : [{ label: 'Date de naissance', value: frenchDate(data.applicant.birthDate) }]),
        { label: 'Adresse', value: data.applicant.address ?? [] },
      ]);

      drawSectionTitle(doc, 'Ce qu’il faut savoir');
      drawParagraph(
        doc,
        `Votre demande est valable un an. Renouvelez-la avant le ${frenchDate(data.validUntil)} ` +
          `sur ${portalUrl} ou auprès d’un guichet enregistreur ; vous en serez averti(e) deux ` +
          'mois avant. Une demande non renouvelée un mois après cette date est radiée.',
      );
      drawParagraph(
        doc,
        'Signalez tout changement de situation (adresse, foyer, ressources) en mettant à jour ' +
          'votre demande. Elle est radiée en cas d’attribution d’un logement, de renonciation, ' +
          'd’irrecevabilité, d’impossibilité de vous contacter ou de non-renouvellement.',
      );
      drawParagraph(
        doc,
        'Pour envoyer vos pièces justificatives par courrier au service de numérisation, joignez ' +
          'une copie de la première page de cette attestation.',
      );
      drawFooter(
        doc,
        `Fait le ${frenchDate(data.issuedOn)} — ${guichetLabel(data.guichet)} — attestation ` +
          'vérifiable par son code QR',
      );
    },
  );
}
