import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Caller, coversDepartment, principalLabel } from '@sne/auth';
import {
  type CloudEvent,
  createEvent,
  type DocumentEventData,
  type DocumentEventType,
  DocumentEventTypes,
} from '@sne/contracts';
import {
  acceptsDocuments,
  applicantManages,
  canManageDocuments,
  checkFilename,
  type Classification,
  type ClassificationPlan,
  classify,
  DEFAULT_INFLATION_LIMITS,
  documentAccess,
  type DocumentProfile,
  findCategory,
  isIsoDate,
  isRelevance,
  journalDescription,
  type JournalCriteria,
  type JournalEntry,
  type JournalEventType,
  metadataChanges,
  purgeDue,
  RELEVANCES,
  searchJournal,
} from '@sne/domain';
import {
  Clock,
  ConflictError,
  currentCorrelationId,
  ForbiddenError,
  InvalidInputError,
  MetricsService,
  NotFoundError,
  RuleViolationError,
} from '@sne/platform';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AuditLog } from '@sne/audit';
import {
  DemandProjectionRepository,
  type KnownDemand,
} from '../demands/demand-projection.repository';
import { DocumentOutbox } from './document-outbox';
import {
  DocumentRepository,
  fileClaimId,
  slotClaimId,
  type SupportingDocument,
  type UploadChannel,
} from './document.repository';
import { FileIntake, type NeutralisedFile } from './file-intake';
import { FileStore } from './file-store';
import type { IncomingFile } from './multipart-upload';

export const EVENT_SOURCE = '/sne/document-ingestion';
export const CLASSIFICATION_PLAN = Symbol('CLASSIFICATION_PLAN');
export const DOCUMENT_SETTINGS = Symbol('DOCUMENT_SETTINGS');

export interface DocumentSettings {
  readonly maxBytes: Readonly<Record<UploadChannel, number>>;
  readonly quarantineRetentionDays: number;
}

/** A claim older than this, whose document was never saved, was left by a crash. */
const ABANDONED_CLAIM_MS = 60_000;

export interface DocumentChanges {
  readonly documentType?: string;
  readonly relevance?: string;
  readonly validUntil?: string | null;
}

/** What the caller's profiles are, for the access rules of the domain. */
export function profilesOf(principal: Caller): DocumentProfile[] {
  if (principal.kind === 'applicant') return ['applicant'];
  return principal.kind === 'guichet' ? ['guichet'] : [...principal.roles];
}

/** Whether a document's category is one of the guichets' internal ones (plan in force). */
const isInternal = (plan: ClassificationPlan, category: string) =>
  findCategory(plan, category)?.internal ?? false;

/**
 * Supporting documents: upload (streamed, checked, stored, journaled and announced), listing and
 * download by profile, metadata changes, quarantine, restoration and purge.
 */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger(DocumentsService.name);
  private readonly uploads;

  constructor(
    private readonly documents: DocumentRepository,
    private readonly demands: DemandProjectionRepository,
    private readonly files: FileStore,
    private readonly intake: FileIntake,
    private readonly relay: DocumentOutbox,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(CLASSIFICATION_PLAN) readonly plan: ClassificationPlan,
    @Inject(DOCUMENT_SETTINGS) private readonly settings: DocumentSettings,
    metrics: MetricsService,
  ) {
    this.uploads = metrics.counter(
      'sne_document_uploads_total',
      'Uploads, by outcome (stored or the refusal code)',
      ['outcome'],
    );
  }

  get largestFile(): number {
    return Math.max(...Object.values(this.settings.maxBytes));
  }

  /**
   * One upload: the fields are checked and the demand looked up before a byte of the file is
   * read; the file is stored while it streams (type from its first bytes, size, SHA-256, PDF
   * structure); then the claims (same file, category place) and the revision. Anything refused
   * removes what was written.
   */
  async upload(
    principal: Caller,
    numeroUnique: string,
    fields: Readonly<Record<string, string>>,
    file: IncomingFile,
    documentId: string = randomUUID(),
    /**
     * `rendered`: pages already rendered within a time limit (a scanned batch's): no bomb check.
     * `neutralised`: the pages come from a scanned batch neutralised of its active content.
     */
    options: { rendered?: boolean; neutralised?: NeutralisedFile } = {},
  ): Promise<SupportingDocument> {
    try {
      const document = await this.receive(
        principal,
        numeroUnique,
        fields,
        file,
        documentId,
        options.rendered === true,
        options.neutralised,
      );
      this.uploads.inc({ outcome: 'stored' });
      return document;
    } catch (error) {
      const code =
        (error as { code?: unknown }).code ??
        (error as { getResponse?: () => { error?: { code?: string } } }).getResponse?.().error
          ?.code;
      this.uploads.inc({ outcome: typeof code === 'string' ? code : 'error' });
      throw error;
    }
  }

  private async receive(
    principal: Caller,
    numeroUnique: string,
    fields: Readonly<Record<string, string>>,
    file: IncomingFile,
    documentId: string,
    rendered: boolean,
    fromNeutralised: NeutralisedFile | undefined,
  ): Promise<SupportingDocument> {
    refuseConsultants(principal);
    const input = this.uploadInput(
      principal.kind === 'applicant' ? { ...fields, channel: 'portal' } : fields,
      file.filename,
    );
    if (principal.kind === 'applicant' && !applicantManages(input.classification.internal))
      throw new ForbiddenError(`category ${input.classification.category} is the guichets' own`, {
        code: 'internal-category',
      });
    const demand = await this.demandFor(principal, numeroUnique);
    if (!acceptsDocuments(demand.state))
      throw new RuleViolationError(
        `documents are attached to active demands or demands awaiting validation; this one is ${demand.state}`,
        [{ path: '/numeroUnique', message: 'demand-not-accepting-documents' }],
      );
    const current = await this.documents.documentsOf(numeroUnique);
    this.refuseFullCategory(input.classification, current);

    const now = this.clock.now();
    const limit = this.settings.maxBytes[input.channel];
    const received = await this.intake.receive(this.files, file, documentId, {
      limit,
      channel: input.channel,
      metadata: { numeroUnique, documentId },
      ...(rendered ? {} : { inflationLimits: DEFAULT_INFLATION_LIMITS }),
    });
    const releases: Array<() => Promise<void>> = [() => this.files.remove(documentId)];
    try {
      await this.claimFile(numeroUnique, received.sha256, documentId, current, now);
      releases.push(() =>
        this.documents.release(fileClaimId(numeroUnique, received.sha256), documentId),
      );
      await this.claimSlot(
        input.classification,
        numeroUnique,
        documentId,
        now,
        activeIn(input.classification, current),
      );
      releases.push(() => this.releaseSlots(input.classification, numeroUnique, documentId));
      await this.documents.register(numeroUnique, documentId, now);
      const by = principalLabel(principal);
      const document: SupportingDocument = {
        documentId,
        numeroUnique,
        department: demand.department,
        version: 1,
        state: 'active',
        planVersion: input.classification.planVersion,
        category: input.classification.category,
        documentType: input.classification.documentType,
        sensitive: input.classification.sensitive,
        relevance: input.relevance,
        validUntil: input.validUntil,
        file: {
          filename: input.filename,
          ...received,
          ...(fromNeutralised && !received.neutralised ? { neutralised: fromNeutralised } : {}),
        },
        channel: input.channel,
        createdAt: now.toISOString(),
        createdBy: by,
        lastChangedAt: now.toISOString(),
        lastChangedBy: by,
        lastAction: 'creation',
      };
      await this.saveAndAnnounce(document, DocumentEventTypes.Added, principal, now, [
        this.journalEntry(document, 'creation', by, now),
        this.journalEntry(document, 'file-added', by, now, { filename: input.filename }),
      ]);
      return document;
    } catch (error) {
      for (const release of releases.reverse()) await release().catch(() => undefined);
      throw error;
    }
  }

  /** The documents of a demand the caller may see, with or without the quarantined ones. */
  async list(
    principal: Caller,
    numeroUnique: string,
    options: { includeQuarantined: boolean },
  ): Promise<SupportingDocument[]> {
    await this.demandFor(principal, numeroUnique);
    const profiles = profilesOf(principal);
    if (options.includeQuarantined && !canManageDocuments(profiles))
      throw new ForbiddenError('only guichets and managers see quarantined documents');
    return (await this.documents.documentsOf(numeroUnique)).filter(
      (document) =>
        documentAccess(profiles, document.sensitive, isInternal(this.plan, document.category))
          .listed &&
        (document.state === 'active' ||
          (options.includeQuarantined && document.state === 'quarantined')),
    );
  }

  async read(
    principal: Caller,
    numeroUnique: string,
    documentId: string,
  ): Promise<SupportingDocument> {
    await this.demandFor(principal, numeroUnique);
    const document = await this.existing(numeroUnique, documentId);
    const profiles = profilesOf(principal);
    if (
      !documentAccess(profiles, document.sensitive, isInternal(this.plan, document.category)).listed
    )
      throw new ForbiddenError('your profile does not see this document', {
        code: document.sensitive ? 'sensitive-document' : 'internal-document',
      });
    if (document.state !== 'active' && !canManageDocuments(profiles))
      throw new NotFoundError('no such document', { documentId });
    return document;
  }

  /** The file of a document, for a profile allowed its content; the download is audit-logged first. */
  async download(
    principal: Caller,
    numeroUnique: string,
    documentId: string,
  ): Promise<{ document: SupportingDocument; content: Readable }> {
    const document = await this.read(principal, numeroUnique, documentId);
    if (
      !documentAccess(
        profilesOf(principal),
        document.sensitive,
        isInternal(this.plan, document.category),
      ).content
    )
      throw new ForbiddenError('your profile sees the list of documents, not their content', {
        code: 'content-not-allowed',
      });
    if (document.state === 'purged')
      throw new NotFoundError('the file was purged after its quarantine', { documentId });
    await this.audit.record({
      principal,
      action: 'download-document',
      numeroUnique,
      documentId,
      at: this.clock.now(),
    });
    return { document, content: await this.files.read(documentId) };
  }

  /** Changes type (within the category), relevance or end of validity, journaled old → new. */
  async modify(
    principal: Caller,
    numeroUnique: string,
    documentId: string,
    body: unknown,
    expectedVersion: number | undefined,
  ): Promise<SupportingDocument> {
    refuseConsultants(principal);
    await this.demandFor(principal, numeroUnique);
    const current = await this.current(numeroUnique, documentId, expectedVersion);
    if (current.state !== 'active')
      throw new RuleViolationError('a quarantined document is restored before it is changed');
    const changes = this.validChanges(body, current);
    const after = {
      documentType: changes.documentType ?? current.documentType,
      relevance: changes.relevance ?? current.relevance,
      validUntil: changes.validUntil === undefined ? current.validUntil : changes.validUntil,
    };
    const changed = metadataChanges(current, after);
    if (changed.length === 0) return current;
    const classification = this.classification(current.category, after.documentType);
    const now = this.clock.now();
    const by = principalLabel(principal);
    const document: SupportingDocument = {
      ...current,
      ...after,
      relevance: after.relevance as SupportingDocument['relevance'],
      sensitive: classification.sensitive,
      version: current.version + 1,
      lastChangedAt: now.toISOString(),
      lastChangedBy: by,
      lastAction: 'modification',
    };
    await this.saveAndAnnounce(document, DocumentEventTypes.Updated, principal, now, [
      {
        ...this.journalEntry(current, 'modification', by, now, { changes: changed }),
        changes: changed,
      },
    ]);
    return document;
  }

  /** Deleting puts the document in quarantine: it leaves the lists and frees its category place. */
  async quarantine(
    principal: Caller,
    numeroUnique: string,
    documentId: string,
    motive: string | undefined,
    expectedVersion: number | undefined,
  ): Promise<SupportingDocument> {
    refuseConsultants(principal);
    await this.demandFor(principal, numeroUnique);
    const current = await this.current(numeroUnique, documentId, expectedVersion);
    if (
      principal.kind === 'applicant' &&
      !applicantManages(isInternal(this.plan, current.category))
    )
      throw new NotFoundError('no such document', { documentId });
    if (current.state !== 'active')
      throw new ConflictError(`the document is ${current.state} already`, { state: current.state });
    const cleanMotive = motive?.trim().slice(0, 200) || undefined;
    const now = this.clock.now();
    const by = principalLabel(principal);
    const document: SupportingDocument = {
      ...current,
      state: 'quarantined',
      version: current.version + 1,
      quarantinedAt: now.toISOString(),
      ...(cleanMotive ? { quarantineMotive: cleanMotive } : {}),
      lastChangedAt: now.toISOString(),
      lastChangedBy: by,
      lastAction: 'quarantine',
    };
    const extra = cleanMotive ? { motive: cleanMotive } : {};
    await this.saveAndAnnounce(document, DocumentEventTypes.Quarantined, principal, now, [
      { ...this.journalEntry(current, 'deletion', by, now, extra), ...extra },
      { ...this.journalEntry(current, 'quarantine', by, now, extra), ...extra },
    ]);
    await this.releaseSlots(
      this.classification(current.category, current.documentType),
      numeroUnique,
      documentId,
    );
    return document;
  }

  /** Brings a quarantined document back, if its category has room again. */
  async restore(
    principal: Caller,
    numeroUnique: string,
    documentId: string,
    expectedVersion: number | undefined,
  ): Promise<SupportingDocument> {
    refuseConsultants(principal);
    const demand = await this.demandFor(principal, numeroUnique);
    const current = await this.current(numeroUnique, documentId, expectedVersion);
    if (current.state !== 'quarantined')
      throw new ConflictError(
        current.state === 'purged'
          ? 'the file was purged after its quarantine: it cannot be restored'
          : 'the document is not in quarantine',
        { state: current.state },
      );
    if (!acceptsDocuments(demand.state))
      throw new RuleViolationError(`the demand is ${demand.state}: nothing is restored to it`);
    const classification = this.classification(current.category, current.documentType);
    const documents = await this.documents.documentsOf(numeroUnique);
    this.refuseFullCategory(classification, documents);
    const now = this.clock.now();
    await this.claimSlot(
      classification,
      numeroUnique,
      documentId,
      now,
      activeIn(classification, documents),
    );
    const by = principalLabel(principal);
    const { quarantinedAt: _at, quarantineMotive: _motive, ...rest } = current;
    const document: SupportingDocument = {
      ...rest,
      state: 'active',
      version: current.version + 1,
      lastChangedAt: now.toISOString(),
      lastChangedBy: by,
      lastAction: 'restoration',
    };
    try {
      await this.saveAndAnnounce(document, DocumentEventTypes.Restored, principal, now, [
        this.journalEntry(current, 'restoration', by, now),
      ]);
    } catch (error) {
      await this.releaseSlots(classification, numeroUnique, documentId).catch(() => undefined);
      throw error;
    }
    return document;
  }

  /** The journal of a demand's documents, as the caller's profile may see it. */
  async journal(
    principal: Caller,
    numeroUnique: string,
    criteria: JournalCriteria,
  ): Promise<JournalEntry[]> {
    await this.demandFor(principal, numeroUnique);
    const profiles = profilesOf(principal);
    await this.audit.record({
      principal,
      action: 'read-document-journal',
      numeroUnique,
      at: this.clock.now(),
    });
    const entries = (await this.documents.revisionsOf(numeroUnique)).flatMap(
      (revision) => revision.journal,
    );
    return searchJournal(
      entries.filter(
        (entry) =>
          documentAccess(profiles, entry.sensitive, isInternal(this.plan, entry.category)).listed,
      ),
      criteria,
    );
  }

  /**
   * Purges the files of documents quarantined longer than the retention: the file goes, the
   * document stays as a purged entry of the journal.
   */
  async purge(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.settings.quarantineRetentionDays * 86_400_000);
    let purged = 0;
    for (const current of await this.documents.quarantinedSince(cutoff, 500)) {
      if (
        !current.quarantinedAt ||
        !purgeDue(current.quarantinedAt, now, this.settings.quarantineRetentionDays)
      )
        continue;
      const document: SupportingDocument = {
        ...current,
        state: 'purged',
        version: current.version + 1,
        lastChangedAt: now.toISOString(),
        lastChangedBy: 'system',
        lastAction: 'purge',
      };
      try {
        const revision = await this.documents.save(
          document,
          documentEvent(document, DocumentEventTypes.Purged, undefined, now),
          [this.journalEntry(current, 'purge', 'system', now)],
          now,
        );
        this.relay.enqueue(revision);
      } catch (error) {
        this.logger.warn({
          msg: 'purge skipped a document changed meanwhile',
          documentId: current.documentId,
          reason: (error as Error).message,
        });
        continue;
      }
      await this.files.remove(current.documentId);
      await this.documents.release(
        fileClaimId(current.numeroUnique, current.file.sha256),
        current.documentId,
      );
      purged++;
    }
    return purged;
  }

  private uploadInput(fields: Readonly<Record<string, string>>, filename: string | undefined) {
    const issues: Array<{ path: string; message: string }> = [];
    const channel = (fields.channel ?? 'guichet') as UploadChannel;
    if (channel !== 'guichet' && channel !== 'portal')
      issues.push({ path: '/channel', message: 'guichet or portal' });
    const relevance = fields.relevance ?? 'NV';
    if (!isRelevance(relevance))
      issues.push({ path: '/relevance', message: `one of ${RELEVANCES.join(', ')}` });
    const validUntil = fields.validUntil?.trim() || null;
    if (validUntil !== null && !isIsoDate(validUntil))
      issues.push({ path: '/validUntil', message: 'a date, YYYY-MM-DD' });
    const name = checkFilename(filename);
    if (!name.ok) issues.push({ path: '/file/filename', message: name.message });
    if (!fields.category) issues.push({ path: '/category', message: 'required' });
    if (!fields.documentType) issues.push({ path: '/documentType', message: 'required' });
    if (issues.length > 0) throw new InvalidInputError('invalid upload', issues);
    return {
      channel,
      relevance: relevance as SupportingDocument['relevance'],
      validUntil,
      filename: (name as { value: string }).value,
      classification: this.classification(fields.category, fields.documentType),
    };
  }

  private classification(category: string, documentType: string): Classification {
    const result = classify(this.plan, category, documentType);
    if (!result.ok)
      throw new InvalidInputError(result.message, [
        {
          path: result.code === 'unknown-category' ? '/category' : '/documentType',
          message: result.code,
        },
      ]);
    return result.value;
  }

  private validChanges(body: unknown, current: SupportingDocument): DocumentChanges {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new InvalidInputError('a JSON object is expected', [{ path: '/', message: 'object' }]);
    const input = body as Record<string, unknown>;
    const issues: Array<{ path: string; message: string }> = [];
    for (const key of Object.keys(input))
      if (!['documentType', 'relevance', 'validUntil'].includes(key))
        issues.push({
          path: `/${key}`,
          message: 'not a field that can change (documentType, relevance, validUntil)',
        });
    if (input.documentType !== undefined && typeof input.documentType !== 'string')
      issues.push({ path: '/documentType', message: 'a type code of the category' });
    if (input.relevance !== undefined && !isRelevance(input.relevance))
      issues.push({ path: '/relevance', message: `one of ${RELEVANCES.join(', ')}` });
    if (input.validUntil !== undefined && input.validUntil !== null && !isIsoDate(input.validUntil))
      issues.push({ path: '/validUntil', message: 'a date, YYYY-MM-DD, or null' });
    if (issues.length > 0) throw new InvalidInputError('invalid change', issues);
    if (typeof input.documentType === 'string')
      this.classification(current.category, input.documentType);
    return input;
  }

  /** The demand, known to this app and within the caller's territory. */
  private async demandFor(principal: Caller, numeroUnique: string): Promise<KnownDemand> {
    const demand = await this.demands.find(numeroUnique);
    if (!demand) throw new NotFoundError('no such demand', { numeroUnique });
    if (principal.kind === 'applicant') {
      // The portal's rule: the demands carrying the address it verified; others do not exist.
      if (demand.contactEmail !== principal.email)
        throw new NotFoundError('no such demand', { numeroUnique });
      return demand;
    }
    if (!coversDepartment(principal.territory, demand.department))
      throw new ForbiddenError('the demand is outside your territory', {
        code: 'outside-territory',
        department: demand.department,
      });
    return demand;
  }

  private async existing(numeroUnique: string, documentId: string): Promise<SupportingDocument> {
    const document = await this.documents.find(documentId);
    if (!document || document.numeroUnique !== numeroUnique)
      throw new NotFoundError('no such document', { documentId });
    return document;
  }

  private async current(
    numeroUnique: string,
    documentId: string,
    expectedVersion: number | undefined,
  ): Promise<SupportingDocument> {
    const document = await this.existing(numeroUnique, documentId);
    if (expectedVersion !== undefined && expectedVersion !== document.version)
      throw new ConflictError('the document was changed since it was read', {
        code: 'stale-version',
        version: document.version,
      });
    return document;
  }

  private refuseFullCategory(
    classification: Classification,
    documents: readonly SupportingDocument[],
  ): void {
    if (activeIn(classification, documents) >= classification.maxDocuments)
      throw categoryFull(classification);
  }

  /**
   * Takes a free place of the category (`slot:<numéro>:<category>:<n>`): concurrent uploads
   * cannot both take the last one. The search starts after the places the active documents hold
   * (`held`), so the usual upload takes one insert; a place held by a document no longer active
   * there (a release a crash missed), or by a document never saved, is taken over.
   */
  private async claimSlot(
    classification: Classification,
    numeroUnique: string,
    documentId: string,
    now: Date,
    held: number,
  ): Promise<void> {
    const max = classification.maxDocuments;
    const start = Math.min(held, max - 1);
    for (let step = 0; step < max; step++) {
      const slot = ((start + step) % max) + 1;
      const id = slotClaimId(numeroUnique, classification.category, slot);
      const holder = await this.documents.claim(id, documentId, now);
      if (!holder || holder.documentId === documentId) return;
      if (await this.abandoned(holder, now, (document) => document.state === 'active')) {
        await this.documents.release(id, holder.documentId);
        if (!(await this.documents.claim(id, documentId, now))) return;
      }
    }
    throw categoryFull(classification);
  }

  private async releaseSlots(
    classification: Classification,
    numeroUnique: string,
    documentId: string,
  ): Promise<void> {
    for (let slot = 1; slot <= classification.maxDocuments; slot++)
      await this.documents.release(
        slotClaimId(numeroUnique, classification.category, slot),
        documentId,
      );
  }

  /** The same bytes twice on one demand: the second upload is refused and names the first. */
  private async claimFile(
    numeroUnique: string,
    sha256: string,
    documentId: string,
    current: readonly SupportingDocument[],
    now: Date,
  ): Promise<void> {
    const id = fileClaimId(numeroUnique, sha256);
    const holder = await this.documents.claim(id, documentId, now);
    if (!holder) return;
    if (await this.abandoned(holder, now, (document) => document.state !== 'purged')) {
      await this.documents.release(id, holder.documentId);
      if (!(await this.documents.claim(id, documentId, now))) return;
    }
    const existing = current.find((document) => document.documentId === holder.documentId);
    throw new ConflictError('this file is already attached to the demand', {
      code: 'duplicate-file',
      documentId: holder.documentId,
      sha256,
      ...(existing ? { state: existing.state, category: existing.category } : {}),
    });
  }

  /** Whether a claim's holder gave it up: saved but no longer `holding`, or never saved. */
  private async abandoned(
    holder: { documentId: string; at: string },
    now: Date,
    holding: (document: SupportingDocument) => boolean,
  ): Promise<boolean> {
    const document = await this.documents.find(holder.documentId);
    if (document) return !holding(document);
    return now.getTime() - new Date(holder.at).getTime() > ABANDONED_CLAIM_MS;
  }

  private journalEntry(
    document: SupportingDocument,
    eventType: JournalEventType,
    by: string,
    at: Date,
    extra: Parameters<typeof journalDescription>[3] = {},
  ): JournalEntry {
    return {
      at: at.toISOString(),
      numeroUnique: document.numeroUnique,
      documentId: document.documentId,
      category: document.category,
      documentType: document.documentType,
      sensitive: document.sensitive,
      eventType,
      by,
      description: journalDescription(eventType, document.category, document.documentType, extra),
    };
  }

  private async saveAndAnnounce(
    document: SupportingDocument,
    type: DocumentEventType,
    principal: Caller,
    at: Date,
    journal: JournalEntry[],
  ): Promise<void> {
    const event = documentEvent(document, type, principal, at);
    const revision = await this.documents.save(document, event, journal, at);
    this.relay.enqueue(revision);
  }
}

function documentEvent(
  document: SupportingDocument,
  type: DocumentEventType,
  /** Absent for the system's own changes (the purge). */
  principal: Caller | undefined,
  at: Date,
): CloudEvent<DocumentEventType, DocumentEventData> {
  return createEvent({
    type,
    source: EVENT_SOURCE,
    subject: document.numeroUnique,
    correlationId: currentCorrelationId() ?? randomUUID(),
    time: at,
    ...(principal?.kind === 'guichet' ? { guichet: principal.id } : {}),
    data: {
      documentId: document.documentId,
      numeroUnique: document.numeroUnique,
      category: document.category,
      documentType: document.documentType,
      sensitive: document.sensitive,
      version: document.version,
      state: document.state,
      relevance: document.relevance,
      ...(document.validUntil ? { validUntil: document.validUntil } : {}),
      contentType: document.file.contentType,
      size: document.file.size,
      sha256: document.file.sha256,
      planVersion: document.planVersion,
    },
  });
}

/** The active documents of a demand in a category. */
function activeIn(
  classification: Classification,
  documents: readonly SupportingDocument[],
): number {
  return documents.filter(
    (document) => document.state === 'active' && document.category === classification.category,
  ).length;
}

function categoryFull(classification: Classification): RuleViolationError {
  return new RuleViolationError(
    `category ${classification.category} (${classification.categoryLabel}) holds ${classification.maxDocuments} documents at most`,
    [{ path: '/category', message: 'category-limit-reached' }],
  );
}

/** Consultants read documents; guichets and managers change them. */
function refuseConsultants(principal: Caller): void {
  // An applicant manages their own demand's documents (checked with the demand).
  if (principal.kind !== 'applicant' && !canManageDocuments(profilesOf(principal)))
    throw new ForbiddenError('consultants read documents, they do not change them');
}
