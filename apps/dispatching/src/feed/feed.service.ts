import { Injectable } from '@nestjs/common';
import type { GuichetDelivery } from '@sne/contracts';
import { GoneError, RuleViolationError } from '@sne/platform';
import { EventEmitter } from 'node:events';
import { eventWithinTerritory } from '../dispatch/delivery-territory';
import type { Guichet } from '../guichets/guichet';
import { GuichetsService } from '../guichets/guichets.service';
import { decodeCursor, encodeCursor, type FeedCursor } from './feed-cursor';
import { type FeedEntry, FeedRepository } from './feed.repository';

export interface FeedPage {
  readonly deliveries: readonly GuichetDelivery[];
  /** Pass it back to get what follows; the same cursor again gives the same page (at-least-once). */
  readonly nextCursor: string;
  readonly paused: boolean;
}

export const MAX_FEED_LIMIT = 500;
export const MAX_WAIT_SECONDS = 30;
const POLL_MS = 1_000;

/**
 * A guichet's pull feed: the next deliveries after a cursor, waiting up to `wait` seconds for new
 * ones when there are none (long polling). New entries stored by this instance wake the waiters
 * at once; entries stored by another instance are seen at the next poll.
 */
@Injectable()
export class FeedService {
  private readonly arrivals = new EventEmitter().setMaxListeners(0);

  constructor(
    private readonly entries: FeedRepository,
    private readonly guichets: GuichetsService,
  ) {}

  notifyAppended(guichetCode: string): void {
    this.arrivals.emit(guichetCode);
  }

  async read(
    code: string,
    cursorText: string | undefined,
    limit: number,
    waitSeconds: number,
  ): Promise<FeedPage> {
    const guichet = await this.guichets.get(code);
    if (!guichet.channels.pull.enabled) {
      throw new RuleViolationError(`the pull feed of guichet ${code} is not enabled`);
    }
    const cursor = decodeCursor(cursorText);
    if (guichet.paused) return { deliveries: [], nextCursor: encodeCursor(cursor), paused: true };
    const deadline = Date.now() + Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1_000;
    const unchanged = encodeCursor(cursor);
    for (;;) {
      const page = await this.page(guichet, cursor, Math.min(limit, MAX_FEED_LIMIT));
      const remaining = deadline - Date.now();
      // A page whose entries were all held back still moves the cursor past them.
      if (page.deliveries.length > 0 || page.nextCursor !== unchanged || remaining <= 0)
        return page;
      await this.arrival(code, Math.min(remaining, POLL_MS));
    }
  }

  private async page(guichet: Guichet, cursor: FeedCursor, limit: number): Promise<FeedPage> {
    const code = guichet.code;
    const heads: FeedEntry[][] = [];
    for (const { partition, first, last } of await this.entries.partitions(code)) {
      const after = cursor.get(partition) ?? -1;
      if (after >= 0 && after + 1 < first) {
        throw new GoneError(
          'the cursor points to deliveries no longer retained; restart without a cursor',
          { partition, cursorOffset: after, earliestOffset: first },
        );
      }
      heads.push(
        await this.entries.after(code, partition, Math.max(after, first - 1), limit, last),
      );
    }
    // Oldest first across partitions, each partition's own order kept: a k-way merge.
    const taken: FeedEntry[] = [];
    const positions = heads.map(() => 0);
    while (taken.length < limit) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const candidate = heads[i][positions[i]];
        if (!candidate) continue;
        const current = best >= 0 ? heads[best][positions[best]] : undefined;
        if (!current || candidate.storedAt < current.storedAt) best = i;
      }
      if (best < 0) break;
      taken.push(heads[best][positions[best]]);
      positions[best]++;
    }
    const next = new Map(cursor);
    for (const entry of taken)
      next.set(entry.partition, Math.max(next.get(entry.partition) ?? -1, entry.offset));
    return {
      deliveries: taken
        .map((entry) => entry.delivery)
        .filter((delivery) => eventWithinTerritory(delivery.event, guichet.territory)),
      nextCursor: encodeCursor(next),
      paused: false,
    };
  }

  private arrival(code: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.arrivals.off(code, done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.arrivals.on(code, done);
    });
  }
}
