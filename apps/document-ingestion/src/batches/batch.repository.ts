import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '@sne/auth';
import type { BatchChannel } from '@sne/domain';
import { MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

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
  readonly notification?: { readonly to: string[]; readonly sentAt: string };
  readonly failure?: string;
}

interface BatchDocument extends ScannedBatch {
  _id: string;
}

/** Scanned batches and what became of them, one document each, written by `_id` only. */
@Injectable()
export class BatchRepository implements OnModuleInit {
  private readonly batches: Model<BatchDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.batches = connection.model<BatchDocument>(
      'ScannedBatch',
      new Schema<BatchDocument>(
        { _id: String, batchId: String, status: String },
        { versionKey: false, strict: false, minimize: false },
      ),
      'scanned_batches',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.batches.init();
  }

  async create(batch: ScannedBatch): Promise<void> {
    await this.batches.insertMany([{ _id: batch.batchId, ...batch }], { lean: true });
  }

  /** The batch job is its one writer once it is queued. */
  async save(batch: ScannedBatch): Promise<void> {
    await this.batches.replaceOne({ _id: batch.batchId }, { _id: batch.batchId, ...batch });
  }

  async find(batchId: string): Promise<ScannedBatch | undefined> {
    const document = await this.batches.findById(batchId, { _id: 0 }).lean<ScannedBatch>();
    return document ?? undefined;
  }
}
