import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { CloudEvent } from '@sne/contracts';
import type { AcceptedContentType, JournalEntry, JournalEventType, Relevance } from '@sne/domain';
import { isDuplicateKeyError, MONGO_CONNECTION, ScopedLog } from '@sne/persistence';
import { StaleVersionError } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';
import type { NeutralisedFile } from './file-intake';

export type DocumentState = 'active' | 'quarantined' | 'purged';
export type UploadChannel = 'guichet' | 'portal';

/** A supporting document of a demand, as one of its versions states it. */
export interface SupportingDocument {
  readonly documentId: string;
  readonly numeroUnique: string;
  readonly department: string;
  readonly version: number;
  readonly state: DocumentState;
  readonly planVersion: string;
  readonly category: string;
  readonly documentType: string;
  readonly sensitive: boolean;
  readonly relevance: Relevance;
  readonly validUntil: string | null;
  readonly file: {
    readonly filename: string;
    readonly contentType: AcceptedContentType;
    readonly size: number;
    readonly sha256: string;
    readonly pages?: number;
    /** The PDF came with active content: what is stored is the file without it. */
    readonly neutralised?: NeutralisedFile;
  };
  readonly channel: UploadChannel;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly lastChangedAt: string;
  readonly lastChangedBy: string;
  readonly lastAction: JournalEventType;
  readonly quarantinedAt?: string;
  readonly quarantineMotive?: string;
}

/** One version of a document, the journal lines and the event of that change: the outbox. */
export interface DocumentRevision {
  readonly numeroUnique: string;
  readonly documentId: string;
  readonly version: number;
  readonly document: SupportingDocument;
  readonly event: CloudEvent;
  readonly journal: readonly JournalEntry[];
  readonly published: boolean;
  readonly createdAt: string;
}

interface RevisionDocument extends DocumentRevision {
  /** `<documentId>:<version>`: inserting it is what takes the version (ADR 0003). */
  _id: string;
}

interface ClaimDocument {
  _id: string;
  documentId: string;
  at: string;
}

export interface Claim {
  readonly documentId: string;
  readonly at: string;
}

const revisionId = (documentId: string, version: number) => `${documentId}:${version}`;

const revisionSchema = new Schema<RevisionDocument>(
  {
    _id: String,
    numeroUnique: { type: String, required: true },
    documentId: { type: String, required: true },
    version: { type: Number, required: true },
    document: { type: Schema.Types.Mixed, required: true },
    event: { type: Schema.Types.Mixed, default: null },
    journal: { type: [Schema.Types.Mixed], default: [] },
    published: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// Serves: a demand's documents and journal (every revision of the demand).
// Serves: the relay's recovery sweep (revisions a crash left unpublished).
revisionSchema.index({ published: 1, createdAt: 1 });

/**
 * Documents as an append-only log of revisions keyed `<documentId>:<version>` (ADR 0003): the
 * unique `_id` makes a change the one change of its version (a concurrent one gets 409), and the
 * revision carries the journal lines and the event, so the change, its journal and its
 * announcement are one write. The current state of a document is its latest revision; a demand's
 * documents and journal are read from its revisions.
 *
 * Every read goes by `_id` (ADR 0006): a demand's document ids are listed in a ScopedLog
 * (`demand_documents`, scope the numéro), written before the document's first revision, so a
 * crash leaves at most an id without revision, which readers skip; a document's versions are
 * found by probing `<documentId>:1`, `:2`… until one is missing.
 *
 * Claims (`document_claims`) decide what must be decided once across documents: the same file
 * twice on a demand (`file:<numéro>:<sha256>`) and a category's places (`slot:<numéro>:<category>:<n>`).
 */
@Injectable()
export class DocumentRepository implements OnModuleInit {
  private readonly revisions: Model<RevisionDocument>;
  private readonly claims: Model<ClaimDocument>;
  private readonly index: ScopedLog<string>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.index = new ScopedLog<string>(connection, 'demand_documents');
    this.revisions = connection.model<RevisionDocument>(
      'DocumentRevision',
      revisionSchema,
      'document_revisions',
    );
    this.claims = connection.model<ClaimDocument>(
      'DocumentClaim',
      new Schema<ClaimDocument>(
        { _id: String, documentId: { type: String, required: true }, at: String },
        { versionKey: false },
      ),
      'document_claims',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.revisions.init(), this.claims.init(), this.index.init()]);
  }

  /** Lists a new document under its demand; done before its first revision is written. */
  async register(numeroUnique: string, documentId: string, at: Date): Promise<void> {
    await this.index.append(numeroUnique, [documentId], at);
  }

  /** Records a new version; StaleVersionError when someone else took that version first. */
  async save(
    document: SupportingDocument,
    event: CloudEvent,
    journal: readonly JournalEntry[],
    at: Date,
  ): Promise<DocumentRevision> {
    const revision: DocumentRevision = {
      numeroUnique: document.numeroUnique,
      documentId: document.documentId,
      version: document.version,
      document,
      event,
      journal,
      published: false,
      createdAt: at.toISOString(),
    };
    try {
      await this.revisions.insertMany(
        [{ _id: revisionId(document.documentId, document.version), ...revision }],
        { lean: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new StaleVersionError('the document was changed meanwhile: read it again', {
        documentId: document.documentId,
        version: document.version - 1,
      });
    }
    return revision;
  }

  /** Every revision of a demand's documents, oldest first. */
  async revisionsOf(numeroUnique: string): Promise<DocumentRevision[]> {
    const ids = [...new Set((await this.index.read(numeroUnique)).items)];
    const all = (await Promise.all(ids.map((id) => this.versionsOf(id)))).flat();
    return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version - b.version);
  }

  /** A document's revisions, version 1 first; none for an id whose first write never happened. */
  private async versionsOf(documentId: string): Promise<DocumentRevision[]> {
    const found: DocumentRevision[] = [];
    for (let version = 1; ; version++) {
      const revision = await this.revisions
        .findById(revisionId(documentId, version), { _id: 0 })
        .lean<DocumentRevision>();
      if (!revision) return found;
      found.push(revision);
    }
  }

  /** A demand's documents in their current state, by creation date. */
  async documentsOf(numeroUnique: string): Promise<SupportingDocument[]> {
    return latestOf(await this.revisionsOf(numeroUnique));
  }

  async find(documentId: string): Promise<SupportingDocument | undefined> {
    let latest: SupportingDocument | undefined;
    for (let version = 1; ; version++) {
      const revision = await this.revisions
        .findById(revisionId(documentId, version), { document: 1 })
        .lean<Pick<RevisionDocument, 'document'>>();
      if (!revision) return latest;
      latest = revision.document;
    }
  }

  async markPublished(documentId: string, version: number): Promise<void> {
    await this.revisions.updateOne(
      { _id: revisionId(documentId, version) },
      { $set: { published: true } },
    );
  }

  async isPublished(documentId: string, version: number): Promise<boolean> {
    const revision = await this.revisions
      .findById(revisionId(documentId, version), { published: 1 })
      .lean<Pick<RevisionDocument, 'published'>>();
    return revision?.published ?? true;
  }

  /** Revisions not yet published, oldest first (the relay's recovery after a crash). */
  async unpublished(limit: number): Promise<DocumentRevision[]> {
    const documents = await this.revisions
      .find({ published: false }, { _id: 0 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<DocumentRevision[]>();
    return documents.sort(
      (a, b) => a.documentId.localeCompare(b.documentId) || a.version - b.version,
    );
  }

  /** Documents whose latest version is a quarantine begun at or before `cutoff`. */
  async quarantinedSince(cutoff: Date, limit: number): Promise<SupportingDocument[]> {
    const candidates = await this.revisions
      .find(
        {
          'document.state': 'quarantined',
          'document.quarantinedAt': { $lte: cutoff.toISOString() },
        },
        { document: 1 },
      )
      .limit(limit)
      .lean<Array<Pick<RevisionDocument, 'document'>>>();
    const due: SupportingDocument[] = [];
    for (const { document } of candidates) {
      const current = await this.find(document.documentId);
      if (current?.version === document.version) due.push(current);
    }
    return due;
  }

  /** Takes a claim; answers the holder when someone has it already. */
  async claim(id: string, documentId: string, at: Date): Promise<Claim | undefined> {
    try {
      await this.claims.insertMany([{ _id: id, documentId, at: at.toISOString() }], {
        lean: true,
      });
      return undefined;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const holder = await this.claims.findById(id).lean<ClaimDocument>();
      // Released between the insert and the read: try once more.
      if (!holder) return this.claim(id, documentId, at);
      return { documentId: holder.documentId, at: holder.at };
    }
  }

  /** Gives a claim back, only if this document holds it. */
  async release(id: string, documentId: string): Promise<void> {
    await this.claims.deleteOne({ _id: id, documentId });
  }
}

export const fileClaimId = (numeroUnique: string, sha256: string) =>
  `file:${numeroUnique}:${sha256}`;
export const slotClaimId = (numeroUnique: string, category: string, slot: number) =>
  `slot:${numeroUnique}:${category}:${slot}`;

/** The latest version of each document, in the order documents were created. */
export function latestOf(revisions: readonly DocumentRevision[]): SupportingDocument[] {
  const latest = new Map<string, SupportingDocument>();
  for (const revision of revisions) {
    const known = latest.get(revision.documentId);
    if (!known || known.version < revision.version)
      latest.set(revision.documentId, revision.document);
  }
  return [...latest.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
