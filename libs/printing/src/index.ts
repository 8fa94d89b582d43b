export * from './qr-payload';
export { qrCodePng, qrMatrix, QR_QUIET_ZONE } from './qr-code';
export type { QrMatrix } from './qr-code';
export type { PrintedApplicant, PrintedGuichet, PrintOptions } from './documents/types';
export { registrationCertificatePdf, renewalCertificatePdf } from './documents/certificates';
export type { RegistrationCertificateData, RenewalCertificateData } from './documents/certificates';
export { summarySheetPdf } from './documents/summary-sheet';
export type { SummarySheetData } from './documents/summary-sheet';
export { transmittalSlipPdf } from './documents/transmittal-slip';
export type { TransmittalSlipData, TransmittedDemand } from './documents/transmittal-slip';
export {
  CorruptPdfError,
  PdfRenderError,
  PdfRenderTimeoutError,
  PopplerNotFoundError,
  readQrCodeFromImage,
  readQrCodesFromPdf,
} from './qr-reader';
export type { PageQrCode, ReadQrCodesOptions } from './qr-reader';
export { InvalidImageError } from './image';
export { renewalLettersPdf } from './documents/renewal-letters';
export type { PrintedLetter, RenewalLettersData } from './documents/renewal-letters';
export { PDF_ACTIVE_CONTENT_MODES, PdfSafety, pdfSafetyEnv } from './pdf-safety';
export type { PdfActiveContentMode, PdfSafetyVerdict } from './pdf-safety';
