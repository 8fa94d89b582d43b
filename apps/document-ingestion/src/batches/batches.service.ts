import { Inject, Injectable, Logger } from '@nestjs/common';
import { coversDepartment, type Principal, principalLabel } from '@sne/auth';
import {
  BATCH_REJECTION_LABELS,
  type BatchChannel,
  type BatchGroup,
  type BatchPageCode,
  canManageDocuments,
  classify,
  splitBatch,
} from '@sne/domain';
import { MailSender } from '@sne/notifications';
import {
  Clock,
  ConflictError,
  currentCorrelationId,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@sne/platform';
import { parseQrPayload, PdfRenderError, PdfSafety, PopplerNotFoundError } from '@sne/printing';
import type { KeyObject } from 'node:crypto';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DemandProjectionRepository } from '../demands/demand-projection.repository';
import { DocumentRepository } from '../documents/document.repository';
import { DocumentsService, profilesOf } from '../documents/documents.service';
import { FileIntake, type NeutralisedFile } from '../documents/file-intake';
import { BatchFileStore } from '../documents/file-store';
import type { IncomingFile } from '../documents/multipart-upload';
import { BatchQueue } from './batch-queue';
import {
  type BatchNotification,
  type BatchPlacement,
  type BatchRejectionRecord,
  BatchRepository,
  type ScannedBatch,
} from './batch.repository';
import { readPageCodes } from './page-codes';
import { withSeparatedPages } from './pdf-pages';

export const BATCH_SETTINGS = Symbol('BATCH_SETTINGS');

export interface BatchSettings {
  readonly maxBytes: number;
  readonly renderDpi: number;
  /** Page ranges rendered and decoded at once; 0: one per core, at most 4. */
  readonly renderLanes: number;
  readonly popplerTimeoutMs: number;
  /** The register's public keys that check the QR codes (several while a key rotates). */
  readonly qrPublicKeys: readonly KeyObject[];
}

/** Where a scanned batch files what it splits, unless the upload says otherwise. */
const DEFAULT_CLASSIFICATION = { category: 'DOCINT', documentType: 'NUMPAP' };

/** Refusals of the attachment, as reasons of the batch report. */
const ATTACH_REASON_LABELS: Readonly<Record<string, string>> = {
  'unknown-demand': 'Numéro inconnu du registre',
  'demand-not-accepting-documents': 'Demande radiée ou non active',
  'outside-territory': 'Demande hors du territoire du guichet',
  'category-limit-reached': 'Catégorie complète pour cette demande',
  'corrupt-file': 'Pages illisibles',
  'active-content': 'Pages porteuses de contenu actif',
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The uploader sees its batches; national administrators and territorial managers, all. */
/**
 * Whose batches a caller sees: a national admin every one, a territorial manager those of
 * uploaders wholly within their territory, anyone else their own.
 */
export function seesBatch(
  principal: Principal,
  batch: Pick<ScannedBatch, 'principal' | 'uploadedBy'>,
): boolean {
  if (principal.kind === 'operator' && principal.roles.includes('national-admin')) return true;
  if (principal.kind === 'operator' && principal.roles.includes('territorial-manager')) {
    const uploader = batch.principal.territory;
    if (uploader !== 'all' && uploader.length > 0)
      return uploader.every((department) => coversDepartment(principal.territory, department));
  }
  return batch.uploadedBy === principalLabel(principal);
}

/**
 * Scanned batches: the PDF is stored and a job queued at once; the job reads each page's QR code,
 * splits the batch at the summary sheets (or after the certificate's first page), attaches each
 * demand's pages as one document through the same checks as an upload, and mails the report.
 * Running a job again is harmless: pages already attached are recognised by their SHA-256, and
 * the report is mailed once per batch (a claim in `batch_notifications`, ADR 0003).
 */
@Injectable()
export class BatchesService {
  private readonly logger = new Logger(BatchesService.name);

  constructor(
    private readonly batches: BatchRepository,
    private readonly files: BatchFileStore,
    private readonly intake: FileIntake,
    private readonly queue: BatchQueue,
    private readonly documents: DocumentsService,
    private readonly stored: DocumentRepository,
    private readonly demands: DemandProjectionRepository,
    private readonly mail: MailSender,
    private readonly clock: Clock,
    private readonly safety: PdfSafety,
    @Inject(BATCH_SETTINGS) private readonly settings: BatchSettings,
  ) {}

  get largestFile(): number {
    return this.settings.maxBytes;
  }

  async submit(
    principal: Principal,
    fields: Readonly<Record<string, string>>,
    file: IncomingFile,
  ): Promise<ScannedBatch> {
    if (!canManageDocuments(profilesOf(principal)))
      throw new ForbiddenError('consultants do not upload documents');
    const issues: Array<{ path: string; message: string }> = [];
    const channel = (fields.channel ?? 'guichet') as BatchChannel;
    if (channel !== 'guichet' && channel !== 'applicant')
      issues.push({ path: '/channel', message: 'guichet or applicant' });
    const notifyEmail = fields.notifyEmail?.trim().toLowerCase() || undefined;
    if (notifyEmail !== undefined && !EMAIL.test(notifyEmail))
      issues.push({ path: '/notifyEmail', message: 'an email address' });
    if (channel === 'guichet' && notifyEmail === undefined)
      issues.push({ path: '/notifyEmail', message: "required: the guichet's referent address" });
    const category = fields.category ?? DEFAULT_CLASSIFICATION.category;
    const documentType = fields.documentType ?? DEFAULT_CLASSIFICATION.documentType;
    const classification = classify(this.documents.plan, category, documentType);
    if (!classification.ok)
      issues.push({
        path: classification.code === 'unknown-category' ? '/category' : '/documentType',
        message: classification.code,
      });
    if (issues.length > 0) throw new InvalidInputError('invalid batch', issues);

    const batchId = randomUUID();
    const received = await this.intake.receive(this.files, file, batchId, {
      limit: this.settings.maxBytes,
      channel: 'scanning',
      metadata: { batchId },
      pdfOnly: true,
      // Looked for by the job, which reports a batch refused for it like any unreadable batch.
      activeContent: false,
    });
    const now = this.clock.now();
    const scheduledFor = this.queue.startOf(now);
    const batch: ScannedBatch = {
      batchId,
      channel,
      status: 'queued',
      principal,
      uploadedBy: principalLabel(principal),
      ...(notifyEmail ? { notifyEmail } : {}),
      category,
      documentType,
      file: { size: received.size, sha256: received.sha256, pages: received.pages ?? 0 },
      receivedAt: now.toISOString(),
      scheduledFor: scheduledFor.toISOString(),
      placed: [],
      rejected: [],
    };
    try {
      await this.batches.create(batch);
      await this.queue.enqueue(batchId, scheduledFor, currentCorrelationId());
      return batch;
    } catch (error) {
      await this.files.remove(batchId).catch(() => undefined);
      throw error;
    }
  }

  /** A batch's status: for whoever uploaded it and the managers. */
  async status(principal: Principal, batchId: string): Promise<ScannedBatch> {
    const batch = await this.batches.find(batchId);
    if (!batch || !seesBatch(principal, batch))
      throw new NotFoundError('no such batch', { batchId });
    return batch;
  }

  /** The batches received on a Paris day that the caller sees: all of them for the managers. */
  async receivedOn(principal: Principal, day: string): Promise<ScannedBatch[]> {
    return (await this.batches.receivedOn(day)).filter((batch) => seesBatch(principal, batch));
  }

  /** The split jobs by state (waiting, delayed until the loading window, active, failed…). */
  queueCounts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  /** The job gave up: the batch says so rather than staying `processing` for ever. */
  async markFailed(batchId: string, reason: string): Promise<void> {
    const batch = await this.batches.find(batchId);
    if (!batch || batch.status === 'done') return;
    await this.batches.save({ ...batch, status: 'failed', failure: reason.slice(0, 500) });
  }

  /** The job: split, attach, report, mail. */
  async process(batchId: string): Promise<ScannedBatch> {
    let queued = await this.batches.find(batchId);
    if (!queued) throw new Error(`batch ${batchId} not found`);
    if (queued.status === 'done') return queued;
    await this.batches.save({ ...queued, status: 'processing' });

    const received = await this.files.readAll(batchId);
    const placed: BatchPlacement[] = [];
    const rejected: BatchRejectionRecord[] = [];
    const safety = await this.safety.check(received);
    if (safety.outcome === 'refused') {
      rejected.push({
        reason: 'active-content',
        label:
          'Lot refusé : contenu actif (JavaScript, lancement, fichier joint, XFA, fichier polyglotte)',
        pages: Array.from({ length: queued.file.pages }, (_, index) => index + 1),
        detail: `${safety.reason}: ${safety.findings
          .map((finding) => `${finding.kind} (${finding.where})`)
          .join(', ')}`.slice(0, 2_000),
        findings: safety.findings,
      });
      return this.finish(queued, placed, rejected);
    }
    const pdf = safety.pdf;
    // The documents split from a neutralised batch say so: their pages came from it.
    const neutralised: NeutralisedFile | undefined =
      safety.outcome === 'neutralised'
        ? {
            findings: safety.findings,
            originalSize: received.length,
            originalSha256: createHash('sha256').update(received).digest('hex'),
          }
        : undefined;
    if (neutralised) queued = { ...queued, neutralised };
    const split = await this.split(queued, pdf);
    if ('unreadable' in split) {
      rejected.push(split.unreadable);
      return this.finish(queued, placed, rejected);
    }
    rejected.push(
      ...split.rejections.map((rejection) => ({
        ...rejection,
        label: BATCH_REJECTION_LABELS[rejection.reason],
      })),
    );
    if (split.groups.length > 0)
      await withSeparatedPages(pdf, this.settings.popplerTimeoutMs, async (separated) => {
        // The next demand's pages are put together while this one is stored.
        const extract = (pages: readonly number[]) => {
          const pieces = separated.extract(pages);
          // Awaited on the next turn, or not at all when an attachment fails.
          pieces.catch(() => undefined);
          return pieces;
        };
        let pieces = extract(split.groups[0].pages);
        try {
          for (const [index, group] of split.groups.entries()) {
            const current = await pieces;
            const following = split.groups[index + 1];
            if (following) pieces = extract(following.pages);
            const outcome = await this.attach(queued, group, current, neutralised);
            if ('documentId' in outcome) placed.push(outcome);
            else rejected.push(outcome);
          }
        } finally {
          // Its temporary directory goes once no pdfunite writes there.
          await pieces.catch(() => undefined);
        }
      });
    return this.finish(queued, placed, rejected);
  }

  /**
   * The batch's pages decoded and split; a batch poppler cannot render in time (a compressed
   * bomb, a damaged page) is rejected whole instead of failing the job again and again.
   */
  private async split(
    batch: ScannedBatch,
    pdf: Buffer,
  ): Promise<ReturnType<typeof splitBatch> | { unreadable: BatchRejectionRecord }> {
    try {
      const pages = await readPageCodes(pdf, {
        dpi: this.settings.renderDpi,
        timeoutMs: this.settings.popplerTimeoutMs,
        pageCount: batch.file.pages,
        ...(this.settings.renderLanes > 0 ? { lanes: this.settings.renderLanes } : {}),
      });
      return splitBatch(
        pages.map((page) => this.pageCode(page.text)),
        batch.channel,
      );
    } catch (error) {
      if (!(error instanceof PdfRenderError) || error instanceof PopplerNotFoundError) throw error;
      return {
        unreadable: {
          reason: 'unreadable-batch',
          label: 'Lot illisible (rendu des pages impossible ou trop long)',
          pages: Array.from({ length: batch.file.pages }, (_, index) => index + 1),
          detail: error.message,
        },
      };
    }
  }

  private async finish(
    queued: ScannedBatch,
    placed: BatchPlacement[],
    rejected: BatchRejectionRecord[],
  ): Promise<ScannedBatch> {
    const batchId = queued.batchId;
    rejected.sort((a, b) => (a.pages[0] ?? 0) - (b.pages[0] ?? 0));
    const done: ScannedBatch = {
      ...queued,
      status: 'done',
      processedAt: this.clock.now().toISOString(),
      placed,
      rejected,
    };
    const recipients = await this.recipients(done);
    const notification = recipients.length > 0 ? await this.notify(done, recipients) : undefined;
    const reported: ScannedBatch = { ...done, ...(notification ? { notification } : {}) };
    await this.batches.save(reported);
    this.logger.log({
      msg: 'scanned batch processed',
      batchId,
      placed: placed.length,
      rejected: rejected.length,
    });
    return reported;
  }

  /**
   * Mails the report once per batch: a run again (a retry after a crash between the mail and
   * the batch's save, a worker that stalled) finds the claim of the run that mailed it.
   */
  private async notify(batch: ScannedBatch, recipients: string[]): Promise<BatchNotification> {
    const token = randomUUID();
    const claim = await this.batches.claimNotification(
      batch.batchId,
      recipients,
      token,
      this.clock.now(),
    );
    if (!claim.claimed) {
      const { to, sentAt } = claim.existing;
      this.logger.log({
        msg: 'batch report mailed before: not sent again',
        batchId: batch.batchId,
      });
      return { to, ...(sentAt ? { sentAt } : {}) };
    }
    try {
      await this.mail.send({
        to: recipients.join(', '),
        subject: `Numérisation des pièces justificatives : ${batch.placed.length} demande(s) téléversée(s), ${batch.rejected.length} rejet(s)`,
        text: reportText(batch),
        ...(currentCorrelationId() ? { correlationId: currentCorrelationId() } : {}),
      });
    } catch (error) {
      // Refused by the relay: the job's next attempt may send it (if the release fails, none will).
      await this.batches.releaseNotification(batch.batchId, token).catch((releaseError: Error) =>
        this.logger.warn({
          msg: 'batch report claim not released',
          batchId: batch.batchId,
          reason: releaseError.message,
        }),
      );
      throw error;
    }
    const sentAt = this.clock.now();
    await this.batches.markNotificationSent(batch.batchId, sentAt);
    return { to: recipients, sentAt: sentAt.toISOString() };
  }

  /** One demand's pages as one document, through the checks of an upload. */
  private async attach(
    batch: ScannedBatch,
    group: BatchGroup,
    pieces: Buffer,
    neutralised: NeutralisedFile | undefined,
  ): Promise<BatchPlacement | BatchRejectionRecord> {
    const first = group.pages[0];
    const last = group.pages[group.pages.length - 1];
    // The same pages of the same batch are the same document: a job run again finds it.
    const documentId = stableId(`${batch.batchId}:${group.numeroUnique}:${group.pages.join(',')}`);
    if (await this.stored.find(documentId))
      return {
        numeroUnique: group.numeroUnique,
        pages: group.pages,
        documentId,
        alreadyAttached: true,
      };
    try {
      const document = await this.documents.upload(
        batch.principal,
        group.numeroUnique,
        { category: batch.category, documentType: batch.documentType, relevance: 'NV' },
        {
          stream: Readable.from([pieces]),
          filename: `lot-${batch.batchId.slice(0, 8)}-pages-${first}-${last}.pdf`,
          declaredType: 'application/pdf',
        },
        documentId,
        // Its pages were rendered within the time limit to read the codes: no bomb in them.
        { rendered: true, ...(neutralised ? { neutralised } : {}) },
      );
      return {
        numeroUnique: group.numeroUnique,
        pages: group.pages,
        documentId: document.documentId,
      };
    } catch (error) {
      const duplicateOf = duplicateDocument(error);
      if (duplicateOf)
        return {
          numeroUnique: group.numeroUnique,
          pages: group.pages,
          documentId: duplicateOf,
          alreadyAttached: true,
        };
      const reason = refusalReason(error);
      if (!reason) throw error;
      return {
        reason,
        label: ATTACH_REASON_LABELS[reason] ?? reason,
        pages: [group.separatorPage, ...group.pages],
        numeroUnique: group.numeroUnique,
        detail: (error as Error).message,
      };
    }
  }

  private pageCode(text: string | null): BatchPageCode {
    if (text === null) return null;
    const parsed = parseQrPayload(text, this.settings.qrPublicKeys);
    if (!parsed.ok) return { kind: 'unreadable', reason: parsed.error.code };
    const payload = parsed.payload;
    switch (payload.kind) {
      case 'transmittal-slip':
        return {
          kind: 'transmittal-slip',
          guichetCode: payload.guichetCode,
          demandCount: payload.demandCount,
          pageCount: payload.pageCount,
        };
      case 'summary-sheet':
        return {
          kind: 'summary-sheet',
          numeroUnique: payload.numeroUnique,
          documentCount: payload.documentCount,
          pageCount: payload.pageCount,
        };
      case 'registration-certificate':
        return { kind: 'registration-certificate', numeroUnique: payload.numeroUnique };
      default:
        return { kind: 'unreadable', reason: `a ${payload.kind} does not separate a batch` };
    }
  }

  /** The guichet's referent address, or (applicant channel) the applicant's own. */
  private async recipients(batch: ScannedBatch): Promise<string[]> {
    if (batch.notifyEmail) return [batch.notifyEmail];
    const numeros = new Set(
      [...batch.placed, ...batch.rejected].flatMap((item) =>
        item.numeroUnique ? [item.numeroUnique] : [],
      ),
    );
    const addresses = new Set<string>();
    for (const numero of numeros) {
      const email = (await this.demands.find(numero))?.contactEmail;
      if (email) addresses.add(email);
    }
    return [...addresses];
  }
}

/** A UUID-shaped id derived from a text: the same text, the same id. */
function stableId(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function duplicateDocument(error: unknown): string | undefined {
  if (!(error instanceof ConflictError)) return undefined;
  const details = error.details as { code?: unknown; documentId?: unknown } | undefined;
  return details?.code === 'duplicate-file' && typeof details.documentId === 'string'
    ? details.documentId
    : undefined;
}

/** The reason an attachment was refused by the rules, or undefined for a failure to retry. */
function refusalReason(error: unknown): string | undefined {
  if (error instanceof NotFoundError) return 'unknown-demand';
  if (error instanceof ForbiddenError) return 'outside-territory';
  if (error instanceof DomainError) {
    const issues = (error.details as { issues?: Array<{ message?: unknown }> } | undefined)?.issues;
    const first = issues?.[0]?.message;
    return typeof first === 'string' ? first : error.code;
  }
  const body = (error as { getResponse?: () => unknown }).getResponse?.() as
    { error?: { code?: string } } | undefined;
  return body?.error?.code;
}

const pageList = (pages: readonly number[]) =>
  pages.length === 1 ? `page ${pages[0]}` : `pages ${pages[0]} à ${pages[pages.length - 1]}`;

/** The notification's text, in French like the register's mails. */
export function reportText(batch: ScannedBatch): string {
  const lines = [
    'Bonjour,',
    '',
    `Le lot numérisé ${batch.batchId} (${batch.file.pages} pages) a été traité.`,
    '',
    `Pièces téléversées : ${batch.placed.length} demande(s)`,
    ...batch.placed.map(
      (placement) =>
        `- ${placement.numeroUnique} : ${pageList(placement.pages)} (${placement.pages.length} page(s))`,
    ),
    '',
    `Rejets : ${batch.rejected.length}`,
    ...batch.rejected.map(
      (rejection) =>
        `- ${pageList(rejection.pages)} : ${rejection.label}${rejection.numeroUnique ? ` (${rejection.numeroUnique})` : ''}`,
    ),
    '',
    'Système National d’Enregistrement de la demande de logement social',
  ];
  return lines.join('\n');
}
