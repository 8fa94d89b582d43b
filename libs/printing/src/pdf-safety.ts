import {
  type ActiveContentFinding,
  detectActiveContent,
  neutraliseActiveContent,
} from '@sne/domain';
import { str } from 'envalid';

/** What becomes of a PDF carrying active content: refused, or rewritten without it. */
export const PDF_ACTIVE_CONTENT_MODES = ['refuse', 'neutralise'] as const;
export type PdfActiveContentMode = (typeof PDF_ACTIVE_CONTENT_MODES)[number];

/** The setting, for every app that takes PDFs in. */
export const pdfSafetyEnv = {
  PDF_ACTIVE_CONTENT: str({
    choices: PDF_ACTIVE_CONTENT_MODES,
    default: 'refuse',
    desc: 'A PDF carrying active content (JavaScript, launch actions, embedded files, XFA, a polyglot): refuse it (422, nothing stored), or neutralise it (stored without it, the document says so)',
  }),
};

export type PdfSafetyVerdict =
  | { readonly outcome: 'clean'; readonly pdf: Buffer }
  | {
      readonly outcome: 'neutralised';
      readonly pdf: Buffer;
      readonly findings: readonly ActiveContentFinding[];
    }
  | {
      readonly outcome: 'refused';
      readonly reason: string;
      readonly findings: readonly ActiveContentFinding[];
    };

/**
 * Decides what a PDF entering the platform becomes: kept as it is when clean; otherwise refused,
 * or neutralised as the setting says. What cannot be neutralised (a file that does not parse,
 * an encrypted one) is refused either way.
 */
export class PdfSafety {
  constructor(readonly mode: PdfActiveContentMode) {}

  async check(pdf: Buffer): Promise<PdfSafetyVerdict> {
    const report = await detectActiveContent(pdf);
    if (report.findings.length === 0) return { outcome: 'clean', pdf };
    if (this.mode === 'refuse' || !report.neutralisable)
      return {
        outcome: 'refused',
        reason: report.neutralisable
          ? 'the PDF carries active content'
          : 'the PDF carries active content or cannot be read to look for it',
        findings: report.findings,
      };
    const neutralised = await neutraliseActiveContent(pdf);
    if (!neutralised.ok)
      return { outcome: 'refused', reason: neutralised.reason, findings: neutralised.findings };
    return { outcome: 'neutralised', pdf: neutralised.pdf, findings: neutralised.removed };
  }
}
