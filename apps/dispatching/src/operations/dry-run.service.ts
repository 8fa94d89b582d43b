import { Injectable } from '@nestjs/common';
import {
  boundToTerritory,
  CompiledMatcher,
  DEMAND_FIELDS,
  findNeverMatching,
  necessaryValues,
  type PlaceOutsideTerritory,
  placesOutsideTerritory,
  type RuleWarning,
} from '@sne/matching';
import { Clock } from '@sne/platform';
import { DemandStateRepository } from '../dispatch/demand-state.repository';
import { matchDocument } from '../dispatch/match-document';
import { RECENT_EVENTS_DAYS, RecentEventsRepository } from '../dispatch/recent-events.repository';
import type { Guichet, SubscriptionChange } from '../guichets/guichet';
import { subscriptionRule } from '../guichets/subscription-rule';

export interface DryRunResult {
  readonly activeDemands: { readonly matching: number; readonly examined: number };
  readonly recentEvents: {
    readonly matching: number;
    readonly examined: number;
    readonly since: string;
  };
  /** A few numéros of matching active demands, to check the rule by eye. */
  readonly sample: readonly string[];
  readonly warnings: readonly RuleWarning[];
  /** Places the draft names outside the guichet's territory: saving it would be refused. */
  readonly outsideTerritory: readonly PlaceOutsideTerritory[];
}

const SAMPLE_SIZE = 10;

/**
 * What a draft subscription would deliver, before it is saved: how many active demands of the
 * stock it selects, and how many of the last 30 days' events, all within the guichet's territory
 * (counts and samples never come from elsewhere). Reads only the departments the bounded rule pins.
 */
@Injectable()
export class DryRunService {
  constructor(
    private readonly states: DemandStateRepository,
    private readonly recentEvents: RecentEventsRepository,
    private readonly clock: Clock,
  ) {}

  async dryRun(guichet: Guichet, draft: SubscriptionChange): Promise<DryRunResult> {
    const guichetCode = guichet.code;
    const draftRule = subscriptionRule(draft.rule);
    const rule = boundToTerritory(guichet.territory, draftRule);
    const departments = necessaryValues(rule, 'demand.department') as
      ReadonlySet<string> | undefined;
    const stockMatcher = CompiledMatcher.compile([{ key: true, rule }], DEMAND_FIELDS);
    const eventMatcher = CompiledMatcher.compile(
      [{ key: true, rule: { all: [{ field: 'event.type', anyOf: draft.eventTypes }, rule] } }],
      DEMAND_FIELDS,
    );

    let activeMatching = 0;
    let activeExamined = 0;
    const sample: string[] = [];
    for await (const { snapshot, lastEvent } of this.states.active(departments)) {
      activeExamined++;
      if (stockMatcher.match(matchDocument(lastEvent, snapshot)).length > 0) {
        activeMatching++;
        if (sample.length < SAMPLE_SIZE) sample.push(snapshot.numeroUnique);
      }
    }

    const since = new Date(this.clock.now().getTime() - RECENT_EVENTS_DAYS * 24 * 3600 * 1000);
    let eventsMatching = 0;
    let eventsExamined = 0;
    for await (const event of this.recentEvents.since(since, departments)) {
      eventsExamined++;
      const own = event.guichet === guichetCode && !draft.includeOwnEvents;
      if (!own && eventMatcher.match(event.document).length > 0) eventsMatching++;
    }

    return {
      activeDemands: { matching: activeMatching, examined: activeExamined },
      recentEvents: {
        matching: eventsMatching,
        examined: eventsExamined,
        since: since.toISOString(),
      },
      sample,
      warnings: findNeverMatching(draftRule, DEMAND_FIELDS),
      outsideTerritory: placesOutsideTerritory(draftRule, guichet.territory),
    };
  }
}
