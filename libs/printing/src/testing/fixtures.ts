/** Test data for the printed documents, with overrides. */
import type {
  RegistrationCertificateData,
  RenewalCertificateData,
} from '../documents/certificates';
import type { SummarySheetData } from '../documents/summary-sheet';
import type { TransmittalSlipData } from '../documents/transmittal-slip';

export const day = (year: number, month: number, date: number): Date =>
  new Date(Date.UTC(year, month - 1, date));

const generatedAt = new Date('2015-12-03T10:15:00Z');

const applicant = {
  civility: 'Madame',
  lastName: 'Lefèvre',
  firstNames: 'Zoé Françoise',
  birthDate: day(1984, 2, 29),
  address: ['12 rue de l’Église', 'Bâtiment B, 3e étage', '57000 Metz'],
};

const guichet = {
  code: '10691',
  name: 'Metz Habitat Territoire — agence de Borny',
  department: '057',
  address: ['10 rue du Château', '57070 Metz'],
};

export const factory = {
  registrationCertificate: (
    overrides: Partial<RegistrationCertificateData> = {},
  ): RegistrationCertificateData => ({
    numeroUnique: '057 1215 073903 10691',
    applicant,
    guichet,
    depositDate: day(2015, 12, 3),
    validUntil: day(2016, 12, 3),
    issuedOn: day(2015, 12, 3),
    wishedCommunes: ['Metz', 'Montigny-lès-Metz', 'Woippy'],
    landlords: ['Metz Habitat Territoire', 'LogiEst', 'Batigère', 'Vivest'],
    generatedAt,
    ...overrides,
  }),

  renewalCertificate: (
    overrides: Partial<RenewalCertificateData> = {},
  ): RenewalCertificateData => ({
    ...factory.registrationCertificate(),
    renewalDate: day(2016, 11, 20),
    validUntil: day(2017, 12, 3),
    issuedOn: day(2016, 11, 20),
    generatedAt: new Date('2016-11-20T09:00:00Z'),
    ...overrides,
  }),

  summarySheet: (overrides: Partial<SummarySheetData> = {}): SummarySheetData => ({
    numeroUnique: '057 1215 073903 10691',
    applicant,
    guichet,
    depositDate: day(2015, 12, 3),
    documentCount: 4,
    pageCount: 7,
    filledOn: day(2016, 3, 14),
    generatedAt: new Date('2016-03-14T08:30:00Z'),
    ...overrides,
  }),

  transmittalSlip: (overrides: Partial<TransmittalSlipData> = {}): TransmittalSlipData => ({
    guichet,
    batchId: 'ENV-2016-03-14.01',
    sentOn: day(2016, 3, 14),
    demands: [
      { numeroUnique: '057 1215 073903 10691', applicantName: 'LEFÈVRE Zoé', pageCount: 7 },
      { numeroUnique: '057 0116 000412 10691', applicantName: 'NGUYỄN Thị Lan', pageCount: 3 },
    ],
    generatedAt: new Date('2016-03-14T08:30:00Z'),
    ...overrides,
  }),
};
