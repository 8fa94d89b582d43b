import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MONGO_CONNECTION } from '@sne/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

export interface ScanCursor {
  /** The last day scanned, up to `page` of its due index. */
  readonly day: string;
  readonly page: number;
}

interface CursorDocument extends ScanCursor {
  _id: string;
  updatedAt: string;
}

const CURSOR_ID = 'due-days';

/** Where the daily scan of the due index stopped; the next scan resumes there. */
@Injectable()
export class ScanCursorRepository implements OnModuleInit {
  private readonly cursors: Model<CursorDocument>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.cursors = connection.model<CursorDocument>(
      'ScanCursor',
      new Schema<CursorDocument>(
        { _id: String, day: String, page: Number, updatedAt: String },
        { versionKey: false },
      ),
      'renewal_scan_cursor',
    );
  }

  async onModuleInit(): Promise<void> {
    await this.cursors.init();
  }

  /** The cursor, set to `today` on the very first start (nothing can be due before it). */
  async get(today: string, at: Date): Promise<ScanCursor> {
    const found = await this.cursors.findById(CURSOR_ID).lean<CursorDocument>();
    if (found) return { day: found.day, page: found.page };
    await this.cursors.updateOne(
      { _id: CURSOR_ID },
      { $setOnInsert: { day: today, page: 0, updatedAt: at.toISOString() } },
      { upsert: true },
    );
    const created = await this.cursors.findById(CURSOR_ID).lean<CursorDocument>();
    return { day: created?.day ?? today, page: created?.page ?? 0 };
  }

  async set(cursor: ScanCursor, at: Date): Promise<void> {
    await this.cursors.updateOne(
      { _id: CURSOR_ID },
      { $set: { ...cursor, updatedAt: at.toISOString() } },
      { upsert: true },
    );
  }
}
