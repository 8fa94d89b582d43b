import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { isDuplicateKeyError, MONGO_CONNECTION, ScopedLog } from '@sne/persistence';
import { Clock } from '@sne/platform';
import { type Connection, type Model, Schema } from 'mongoose';

interface SummaryDocument {
  /** The address's log scope. */
  _id: string;
  /** Every ref of the pages below `nextPage`, and perhaps some after it. */
  refs: string[];
  nextPage: number;
}

/** The layout before the log, read only to carry an address's entries over. */
interface LegacyKeyDocument {
  /** `<email>#<n>`, n below 20. */
  _id: string;
  ref: string;
}

const LEGACY_MAX_PER_EMAIL = 20;

/** A read that finds this many pages past the summary rewrites it. */
const SUMMARY_LAG_PAGES = 4;

export const emailKey = (email: string) => email.trim().toLowerCase();
export const pendingRef = (id: string) => `pending:${id}`;
export const demandRef = (numeroUnique: string) => `demand:${numeroUnique}`;

/** Log scopes exclude "/", which an address may hold; escaping "%" keeps the mapping one-to-one. */
const scopeOf = (key: string) => key.replaceAll('%', '%25').replaceAll('/', '%2F');

/**
 * Demands by the applicant's email address: how a guichet finds a portal demand to validate, and
 * how the portal lists an applicant's demands. An entry may outlive a change of address, so
 * readers check the demand's current address.
 *
 * Each address is a scope of a `ScopedLog` (`email_index`): an add appends one page, taken by a
 * unique `_id` insert, so concurrent adds under a shared mailbox all land, without a cap. A
 * summary (`email_index_summaries`, `_id` the scope) holds the refs of the first `nextPage`
 * pages, so a look-up reads the summary and the pages after it, not the whole list. It is a cache
 * rewritten by plain upsert: two writers may race and the older one win, which costs a few page
 * reads later, never an entry, since whatever it says is a true prefix of the immutable log.
 *
 * Entries of the former layout (`email_keys`, `<email>#0`…`#19`) are copied into the log the
 * first time an address without a summary is used, and the summary written then marks it done.
 */
@Injectable()
export class EmailIndex implements OnModuleInit {
  private readonly log: ScopedLog<string>;
  private readonly summaries: Model<SummaryDocument>;
  private readonly legacy: Model<LegacyKeyDocument>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    private readonly clock: Clock,
  ) {
    this.log = new ScopedLog<string>(connection, 'email_index');
    this.summaries = connection.model<SummaryDocument>(
      'EmailIndexSummary',
      new Schema<SummaryDocument>(
        { _id: String, refs: [String], nextPage: Number },
        { versionKey: false },
      ),
      'email_index_summaries',
    );
    this.legacy = connection.model<LegacyKeyDocument>(
      'EmailKey',
      new Schema<LegacyKeyDocument>({ _id: String, ref: String }, { versionKey: false }),
      'email_keys',
    );
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.log.init(), this.summaries.init()]);
  }

  /** Every ref filed under the address, each once, oldest first. */
  async refs(email: string): Promise<string[]> {
    return [...(await this.current(emailKey(email)))];
  }

  /** Idempotent for one ref; two concurrent adds of the same ref may both append, reads dedupe. */
  async add(email: string, ref: string): Promise<void> {
    const key = emailKey(email);
    if ((await this.current(key)).has(ref)) return;
    await this.log.append(scopeOf(key), [ref], this.clock.now());
  }

  private async current(key: string): Promise<Set<string>> {
    const scope = scopeOf(key);
    const [summary, firstLegacy] = await Promise.all([
      this.summaries.findById(scope).lean<SummaryDocument>(),
      this.legacy.findById(`${key}#0`).lean<LegacyKeyDocument>(),
    ]);
    let migrated = false;
    if (!summary && firstLegacy) {
      await this.log.append(scope, await this.legacyRefs(key, firstLegacy), this.clock.now());
      migrated = true;
    }
    const fromPage = summary?.nextPage ?? 0;
    const tail = await this.log.read(scope, fromPage);
    const refs = new Set([...(summary?.refs ?? []), ...tail.items]);
    if (migrated || tail.nextPage - fromPage >= SUMMARY_LAG_PAGES) {
      await this.saveSummary({ _id: scope, refs: [...refs], nextPage: tail.nextPage });
    }
    return refs;
  }

  private async legacyRefs(key: string, first: LegacyKeyDocument): Promise<string[]> {
    const rest = await Promise.all(
      Array.from({ length: LEGACY_MAX_PER_EMAIL - 1 }, (_, n) =>
        this.legacy.findById(`${key}#${n + 1}`).lean<LegacyKeyDocument>(),
      ),
    );
    const chain = [first, ...rest];
    const end = chain.findIndex((entry) => !entry);
    return chain.slice(0, end === -1 ? chain.length : end).map((entry) => entry!.ref);
  }

  private async saveSummary({ _id, refs, nextPage }: SummaryDocument): Promise<void> {
    try {
      await this.summaries.replaceOne({ _id }, { refs, nextPage }, { upsert: true });
    } catch (error) {
      // Two first summaries upserted at once: the other one is as true as this one.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}
