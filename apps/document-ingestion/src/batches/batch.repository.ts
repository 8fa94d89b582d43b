import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '@sne/auth';
import { type ActiveContentFinding, type BatchChannel, parisDate } from '@sne/domain';
import { isDuplicateKeyError, MONGO_CONNECTION, ScopedLog } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';
import type { NeutralisedFile } from '../documents/file-intake';

/** `failed`: every attempt of the job failed (a server out of reach); `failure` says why. */
export type BatchStatus = 'queued' | 'processing' | 'done' | 'failed';

/** One demand's pages of the batch, attached as one document. */
export interface BatchPlacement {
  readonly numeroUnique: string;
  readonly pages: readonly number[];
  readonly documentId: string;
  /** The same pages were attached before (a job run again): nothing new was stored. */
  readonly alreadyAttached?: boolean;
}

export interface BatchRejectionRecord {
  readonly reason: string;
  readonly label: string;
  readonly pages: readonly number[];
  readonly numeroUnique?: string;
  readonly detail?: string;
  /** A batch refused for its active content: what was found and where. */
  readonly findings?: readonly ActiveContentFinding[];
}

export interface ScannedBatch {
  readonly batchId: string;
  readonly channel: BatchChannel;
  readonly status: BatchStatus;
  readonly principal: Principal;
  readonly uploadedBy: string;
  readonly notifyEmail?: string;
  readonly category: string;
  readonly documentType: string;
  readonly file: { readonly size: number; readonly sha256: string; readonly pages: number };
  readonly receivedAt: string;
  /** When the job runs: at once, or when the loading window opens. */
  readonly scheduledFor?: string;
  readonly processedAt?: string;
  readonly placed: readonly BatchPlacement[];
  readonly rejected: readonly BatchRejectionRecord[];
  readonly notification?: BatchNotification;
  readonly failure?: string;
  /** The batch came with active content, removed before it was split. */
  readonly neutralised?: NeutralisedFile;
}

/** The report mailed for a batch; `sentAt` is absent when a run crashed while sending it. */
export interface BatchNotification {
  readonly to: readonly string[];
  readonly sentAt?: string;
}

/**
 * The decision to mail a batch's report, taken once by inserting its `_id` (the batch id):
 * `sending` from the claim until the relay took the mail, then `sent`. A claim left `sending` by
 * a crash is never taken over: the mail may have gone, and it is sent at most once.
 */
export interface NotificationClaim {
  readonly batchId: string;
  readonly state: 'sending' | 'sent';
  readonly to: readonly string[];
  /** The job run that holds the claim: only it may release it. */
  readonly token: string;
  readonly claimedAt: string;
  readonly sentAt?: string;
}

interface BatchDocument extends ScannedBatch {
  _id: string;
}

interface NotificationClaimDocument extends Omit<NotificationClaim, 'batchId'> {
  _id: string;
}

/**
 * Scanned batches and what became of them, one document each, written by `_id` only; and the
 * batches received each (Paris) day, a `ScopedLog` so that a day is listed by `_id` reads.
 */
@Injectable()
export class BatchRepository implements OnModuleInit {
  private readonly batches: Model<BatchDocument>;
  private readonly notifications: Model<NotificationClaimDocument>;
  private readonly receivedByDay: ScopedLog<string>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.batches = connection.model<BatchDocument>(
      'ScannedBatch',
      new Schema<BatchDocument>(
        { _id: String, batchId: String, status: String },
        { versionKey: false, strict: false, minimize: false },
      ),
      'scanned_batches',
    );
    this.notifications = connection.model<NotificationClaimDocument>(
      'BatchNotificationClaim',
      new Schema<NotificationClaimDocument>(
        {
          _id: String,
          state: String,
          to: [String],
          token: String,
          claimedAt: String,
          sentAt: String,
        },
        { versionKey: false },
      ),
      'batch_notifications',
    );
    this.receivedByDay = new ScopedLog<string>(connection, 'scanned_batches_by_day');
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.batches.init(), this.notifications.init(), this.receivedByDay.init()]);
  }

  /** Listed in its day first: a crash in between leaves an id the day's list skips, not a lost batch. */
  async create(batch: ScannedBatch): Promise<void> {
    const receivedAt = new Date(batch.receivedAt);
    await this.receivedByDay.append(parisDate(receivedAt), [batch.batchId], receivedAt);
    await this.batches.insertMany([{ _id: batch.batchId, ...batch }], { lean: true });
  }

  /** The batches received on a Paris day (`YYYY-MM-DD`), in the order they came. */
  async receivedOn(day: string): Promise<ScannedBatch[]> {
    const ids = [...new Set((await this.receivedByDay.read(day)).items)];
    const batches = await Promise.all(ids.map((batchId) => this.find(batchId)));
    return batches
      .filter((batch): batch is ScannedBatch => batch !== undefined)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  /** The batch job is its one writer once it is queued. */
  async save(batch: ScannedBatch): Promise<void> {
    await this.batches.replaceOne({ _id: batch.batchId }, { _id: batch.batchId, ...batch });
  }

  /** Claims the batch's report mail; when another run claimed it first, its claim (do not send). */
  async claimNotification(
    batchId: string,
    to: readonly string[],
    token: string,
    at: Date,
  ): Promise<{ claimed: true } | { claimed: false; existing: NotificationClaim }> {
    try {
      await this.notifications.insertMany(
        [{ _id: batchId, state: 'sending', to: [...to], token, claimedAt: at.toISOString() }],
        { lean: true },
      );
      return { claimed: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.notificationClaim(batchId);
    // Released between the insert and the read (the relay refused that run's mail): claim again.
    return existing ? { claimed: false, existing } : this.claimNotification(batchId, to, token, at);
  }

  /**
   * The relay refused the mail: a later run may send it. Read and compared by `_id` (a filter on
   * the token would not be atomic on FerretDB): while the claim exists no other run can take it,
   * so the holder's claim is still its own when it is deleted.
   */
  async releaseNotification(batchId: string, token: string): Promise<void> {
    const claim = await this.notificationClaim(batchId);
    if (claim?.state === 'sending' && claim.token === token)
      await this.notifications.deleteOne({ _id: batchId });
  }

  async markNotificationSent(batchId: string, sentAt: Date): Promise<void> {
    await this.notifications.updateOne(
      { _id: batchId },
      { $set: { state: 'sent', sentAt: sentAt.toISOString() } },
    );
  }

  async notificationClaim(batchId: string): Promise<NotificationClaim | undefined> {
    const found = await this.notifications.findById(batchId).lean<NotificationClaimDocument>();
    if (!found) return undefined;
    const { _id, ...claim } = found;
    return { batchId: _id, ...claim };
  }

  async find(batchId: string): Promise<ScannedBatch | undefined> {
    const document = await this.batches.findById(batchId, { _id: 0 }).lean<ScannedBatch>();
    return document ?? undefined;
  }
}
