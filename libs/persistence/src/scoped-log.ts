import { type Connection, type Model, Schema } from 'mongoose';
import { isDuplicateKeyError } from './mongo-errors';

interface PageDocument<T> {
  /** `<scope>/<page>`: inserting it is what takes the page. */
  _id: string;
  items: T[];
  at: string;
}

interface HeadDocument {
  /** `<scope>` */
  _id: string;
  /** Every page below it is taken; a hint only, claims decide. */
  next: number;
}

export interface ScopedLogRead<T> {
  readonly items: T[];
  /** Where the next read of the scope resumes to see only what was appended since. */
  readonly nextPage: number;
}

const PAGE_ITEMS = 1_000;
const READ_WINDOW = 16;

/**
 * Append-only lists of items per scope (e.g. a day), stored and read back by `_id` alone, so
 * reading one scope costs the pages it holds, never a scan of the collection (FerretDB uses no
 * other index; a MongoDB replica set behaves the same). An append inserts immutable pages
 * `<scope>/0`, `<scope>/1`… at the first free numbers: the unique `_id` makes concurrent appends
 * safe without transactions or atomic counters (ADR 0003), and pages are taken without gaps, so a
 * reader stops at the first missing one.
 */
export class ScopedLog<T> {
  private readonly pages: Model<PageDocument<T>>;
  private readonly heads: Model<HeadDocument>;

  constructor(connection: Connection, collection: string) {
    this.pages = connection.model<PageDocument<T>>(
      `ScopedLogPage:${collection}`,
      new Schema<PageDocument<T>>(
        { _id: String, items: [Schema.Types.Mixed], at: String },
        { versionKey: false },
      ),
      collection,
    );
    this.heads = connection.model<HeadDocument>(
      `ScopedLogHead:${collection}`,
      new Schema<HeadDocument>({ _id: String, next: Number }, { versionKey: false }),
      `${collection}_heads`,
    );
  }

  async init(): Promise<void> {
    await Promise.all([this.pages.init(), this.heads.init()]);
  }

  async append(scope: string, items: readonly T[], at: Date): Promise<void> {
    assertScope(scope);
    for (let start = 0; start < items.length; start += PAGE_ITEMS) {
      await this.appendPage(scope, items.slice(start, start + PAGE_ITEMS), at);
    }
  }

  /** Everything appended to `scope` from page `fromPage` on, in the order the pages were taken. */
  async read(scope: string, fromPage = 0): Promise<ScopedLogRead<T>> {
    assertScope(scope);
    const head = await this.heads.findById(scope).lean<HeadDocument>();
    const known = Math.max(head?.next ?? 0, fromPage);
    const items: T[] = [];
    for (let page = fromPage; page < known; page += READ_WINDOW) {
      const ids = range(page, Math.min(page + READ_WINDOW, known)).map((n) => pageId(scope, n));
      const pages = await Promise.all(ids.map((id) => this.pages.findById(id).lean()));
      for (const found of pages) if (found) items.push(...(found.items as T[]));
    }
    let next = known;
    for (;;) {
      const found = await this.pages.findById(pageId(scope, next)).lean();
      if (!found) break;
      items.push(...(found.items as T[]));
      next++;
    }
    return { items, nextPage: next };
  }

  private async appendPage(scope: string, items: readonly T[], at: Date): Promise<void> {
    const head = await this.heads.findById(scope).lean<HeadDocument>();
    for (let page = head?.next ?? 0; ; page++) {
      try {
        await this.pages.insertMany(
          [{ _id: pageId(scope, page), items: [...items], at: at.toISOString() }],
          { lean: true },
        );
      } catch (error) {
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
      await this.moveHead(scope, page + 1);
      return;
    }
  }

  private async moveHead(scope: string, next: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.heads.updateOne({ _id: scope }, { $max: { next } }, { upsert: true });
        return;
      } catch (error) {
        // Two first appends upserted the head at once: the other one created it.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }
}

function pageId(scope: string, page: number): string {
  return `${scope}/${page}`;
}

function assertScope(scope: string): void {
  if (scope.length === 0 || scope.includes('/')) {
    throw new RangeError(`"${scope}" is not a log scope (non-empty, without "/")`);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
}
