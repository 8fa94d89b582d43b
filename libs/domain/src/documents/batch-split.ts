import { nextSendableInstant, PARIS_TIME_ZONE } from '../renewal/zoned-time';

/**
 * Splitting a scanned batch (DOMAIN.md, "Industrial scanning"): a guichet's batch opens with its
 * transmittal slip (bordereau) and holds, per demand, a summary sheet (fiche récapitulative)
 * followed by that demand's pages; an applicant's batch opens with the first page of the
 * registration certificate, followed by their pages. Pure: the pages come in already decoded
 * (what each page's QR code says, if it has one); the app checks the demands and attaches.
 */

/** What a page's QR code says; null for a page without a code (a page of a piece). */
export type BatchPageCode =
  | {
      readonly kind: 'transmittal-slip';
      readonly guichetCode: string;
      readonly demandCount: number;
      readonly pageCount: number;
    }
  | {
      readonly kind: 'summary-sheet';
      readonly numeroUnique: string;
      readonly documentCount: number;
      /** The demand's pages, this sheet included. */
      readonly pageCount: number;
    }
  | { readonly kind: 'registration-certificate'; readonly numeroUnique: string }
  /** A code was found but does not verify or does not parse. */
  | { readonly kind: 'unreadable'; readonly reason: string }
  | null;

export type BatchChannel = 'guichet' | 'applicant';

export const BATCH_REJECTION_LABELS = {
  'no-transmittal-slip': "Le lot ne commence pas par un bordereau d'envoi",
  'no-certificate': "Le lot ne commence pas par la première page de l'attestation d'enregistrement",
  'slip-count-mismatch': 'Les nombres du bordereau ne correspondent pas au lot',
  'no-summary-sheet': 'Pages sans fiche récapitulative',
  'unreadable-sheet': 'Fiche récapitulative illisible',
  'unexpected-page': 'Page inattendue (bordereau ou attestation au milieu du lot)',
  'page-count-mismatch': 'Le nombre de pages ne correspond pas à la fiche récapitulative',
  'no-pieces': 'Fiche récapitulative sans pièce',
} as const;
export type BatchRejectionReason = keyof typeof BATCH_REJECTION_LABELS;

/** One demand's pages, to attach. Page numbers are 1-based, as in the PDF. */
export interface BatchGroup {
  readonly numeroUnique: string;
  /** The summary sheet or certificate page that names the demand. */
  readonly separatorPage: number;
  /** The pages of the pieces, the separator excluded. */
  readonly pages: readonly number[];
}

export interface BatchRejection {
  readonly reason: BatchRejectionReason;
  readonly pages: readonly number[];
  readonly numeroUnique?: string;
  readonly detail?: string;
}

export interface BatchSplit {
  readonly groups: readonly BatchGroup[];
  readonly rejections: readonly BatchRejection[];
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

/** Splits a batch at its separators; whatever cannot be placed is rejected with its reason. */
export function splitBatch(codes: readonly BatchPageCode[], channel: BatchChannel): BatchSplit {
  const total = codes.length;
  const first = codes[0] ?? null;
  const whole = (reason: BatchRejectionReason, detail?: string): BatchSplit => ({
    groups: [],
    rejections: [{ reason, pages: range(1, total), ...(detail ? { detail } : {}) }],
  });

  if (channel === 'applicant') {
    if (first?.kind !== 'registration-certificate') return whole('no-certificate');
    const rejections: BatchRejection[] = [];
    const pages: number[] = [];
    codes.forEach((code, index) => {
      if (index === 0) return;
      if (code === null) pages.push(index + 1);
      else rejections.push({ reason: 'unexpected-page', pages: [index + 1] });
    });
    if (pages.length === 0)
      return {
        groups: [],
        rejections: [
          { reason: 'no-pieces', pages: [1], numeroUnique: first.numeroUnique },
          ...rejections,
        ],
      };
    return {
      groups: [{ numeroUnique: first.numeroUnique, separatorPage: 1, pages }],
      rejections,
    };
  }

  if (first?.kind !== 'transmittal-slip') return whole('no-transmittal-slip');
  const sheets = codes.filter((code) => code?.kind === 'summary-sheet').length;
  if (first.pageCount !== total || first.demandCount !== sheets)
    return whole(
      'slip-count-mismatch',
      `slip: ${first.demandCount} demands, ${first.pageCount} pages; batch: ${sheets} summary sheets, ${total} pages`,
    );

  const groups: BatchGroup[] = [];
  const rejections: BatchRejection[] = [];
  let index = 1;
  while (index < total) {
    const code = codes[index];
    // The pages up to the next code belong to this one.
    let end = index + 1;
    while (end < total && codes[end] === null) end++;
    const pieces = range(index + 2, end);
    if (code === null) {
      rejections.push({ reason: 'no-summary-sheet', pages: range(index + 1, end) });
    } else if (code.kind === 'unreadable') {
      rejections.push({
        reason: 'unreadable-sheet',
        pages: range(index + 1, end),
        detail: code.reason,
      });
    } else if (code.kind !== 'summary-sheet') {
      rejections.push({ reason: 'unexpected-page', pages: range(index + 1, end) });
    } else if (pieces.length === 0) {
      rejections.push({ reason: 'no-pieces', pages: [index + 1], numeroUnique: code.numeroUnique });
    } else if (code.pageCount !== pieces.length + 1) {
      rejections.push({
        reason: 'page-count-mismatch',
        pages: range(index + 1, end),
        numeroUnique: code.numeroUnique,
        detail: `sheet: ${code.pageCount} pages; batch: ${pieces.length + 1}`,
      });
    } else {
      groups.push({ numeroUnique: code.numeroUnique, separatorPage: index + 1, pages: pieces });
    }
    index = end;
  }
  return { groups, rejections };
}

/** Local `HH:MM-HH:MM` (Paris) during which batches are loaded, e.g. `22:00-06:00`. */
export const BATCH_WINDOW_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$';

/**
 * When a batch received at `now` is loaded: at once without a window or inside it, else when the
 * window next opens (Paris wall time, DST included).
 */
export function batchLoadingStart(now: Date, window: string | undefined): Date {
  if (!window) return new Date(now.getTime());
  if (!new RegExp(BATCH_WINDOW_PATTERN).test(window))
    throw new RangeError(`"${window}" is not a HH:MM-HH:MM window`);
  const [opens, closes] = window.split('-') as [string, string];
  // Outside the window is "quiet": the first instant not quiet is the window's.
  return nextSendableInstant(now, { start: closes, end: opens }, PARIS_TIME_ZONE);
}
