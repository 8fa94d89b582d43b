import { Injectable, Logger } from '@nestjs/common';
import { type CloudEvent, validateEvent } from '@sne/contracts';
import {
  DEMAND_FIELDS,
  explain,
  type ExplainResult,
  findNeverMatching,
  placesOutsideTerritory,
  territoryRule,
} from '@sne/matching';
import {
  Clock,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  OutsideTerritoryError,
  RuleViolationError,
  StaleVersionError,
} from '@sne/platform';
import { DemandStateRepository } from '../dispatch/demand-state.repository';
import { matchDocument } from '../dispatch/match-document';
import { SubscriptionIndex } from '../dispatch/subscription-index';
import type { Guichet, SubscriptionChange, SubscriptionRevision } from './guichet';
import { GuichetRepository } from './guichet.repository';
import { subscriptionRule, underRule } from './subscription-rule';

export interface SubscriptionChangeOptions {
  /** The version the operator edited (If-Match); absent only for a guichet's first subscription. */
  readonly expectedVersion?: number;
  readonly operator: string;
  /** Save a rule that can never match (flagged otherwise). */
  readonly allowNeverMatching?: boolean;
}

/** A saved subscription change, for what follows it outside guichets/ (the backfill). */
export interface SubscriptionChanged {
  readonly guichet: Guichet;
  readonly revision: SubscriptionRevision;
  /** The revision it replaced; absent for a guichet's first subscription. */
  readonly previous?: SubscriptionRevision;
  readonly operator: string;
}

/** Runs its work in the background: the change is saved whatever the listener does. */
export type SubscriptionChangeListener = (change: SubscriptionChanged) => void;

@Injectable()
export class GuichetsService {
  private readonly logger = new Logger(GuichetsService.name);
  private readonly changeListeners: SubscriptionChangeListener[] = [];

  constructor(
    private readonly repository: GuichetRepository,
    private readonly index: SubscriptionIndex,
    private readonly demandStates: DemandStateRepository,
    private readonly clock: Clock,
  ) {}

  /** `listener` is told of each subscription change once saved and the index refreshed. */
  onSubscriptionChanged(listener: SubscriptionChangeListener): void {
    this.changeListeners.push(listener);
  }

  async get(code: string): Promise<Guichet> {
    const guichet = await this.repository.find(code);
    if (!guichet) throw new NotFoundError(`no guichet ${code}`, { code });
    return guichet;
  }

  list(): Promise<Guichet[]> {
    return this.repository.list();
  }

  async setPaused(code: string, paused: boolean): Promise<Guichet> {
    if (!paused) refuseRetired(await this.get(code));
    if (!(await this.repository.setPaused(code, paused)))
      throw new NotFoundError(`no guichet ${code}`, { code });
    return this.get(code);
  }

  async subscription(code: string): Promise<SubscriptionRevision> {
    await this.get(code);
    const revision = await this.repository.latestRevision(code);
    if (!revision) throw new NotFoundError(`guichet ${code} has no subscription yet`, { code });
    return revision;
  }

  async history(code: string): Promise<SubscriptionRevision[]> {
    await this.get(code);
    return this.repository.history(code);
  }

  /**
   * Saves a new version of a guichet's subscription. The rule is validated field by field; a rule
   * that can never match is refused unless asked for; a stale `expectedVersion` is refused.
   */
  async changeSubscription(
    code: string,
    change: SubscriptionChange,
    options: SubscriptionChangeOptions,
  ): Promise<SubscriptionRevision> {
    const guichet = await this.get(code);
    refuseRetired(guichet);
    const rule = subscriptionRule(change.rule);
    const outside = placesOutsideTerritory(rule, guichet.territory);
    if (outside.length > 0) {
      throw new OutsideTerritoryError(
        `the rule selects places outside the territory of guichet ${code}`,
        outside.map(({ path, message }) => underRule({ path: path || '/', message })),
      );
    }
    const warnings = findNeverMatching(rule, DEMAND_FIELDS);
    if (warnings.length > 0 && !options.allowNeverMatching) {
      throw new RuleViolationError(
        'the rule can never match; fix it, or save it anyway with allowNeverMatching=true',
        warnings.map(underRule),
      );
    }
    const current = await this.repository.latestRevision(code);
    const currentVersion = current?.version ?? 0;
    if ((options.expectedVersion ?? 0) !== currentVersion) {
      throw new StaleVersionError(
        `subscription of ${code} is at version ${currentVersion}, not ${options.expectedVersion ?? 'none'}`,
        { currentVersion },
      );
    }
    const revision: SubscriptionRevision = {
      guichetCode: code,
      version: currentVersion + 1,
      eventTypes: change.eventTypes,
      includeOwnEvents: change.includeOwnEvents ?? false,
      rule,
      changedBy: options.operator,
      changedAt: this.clock.now().toISOString(),
      ...(change.comment ? { comment: change.comment } : {}),
    };
    if (!(await this.repository.insertRevision(revision))) {
      throw new StaleVersionError(`subscription of ${code} was changed meanwhile`, {
        currentVersion: currentVersion + 1,
      });
    }
    this.logger.log({
      msg: 'subscription changed',
      guichet: code,
      version: revision.version,
      operator: options.operator,
    });
    await this.index.refresh();
    const changed: SubscriptionChanged = {
      guichet,
      revision,
      operator: options.operator,
      ...(current ? { previous: current } : {}),
    };
    for (const listener of this.changeListeners) listener(changed);
    return revision;
  }

  /** Why this guichet would (not) receive an event, predicate by predicate. */
  async explain(
    code: string,
    input: unknown,
  ): Promise<
    | (ExplainResult & { withinTerritory: true; eventTypeSubscribed: boolean; ownEvent: boolean })
    | { matched: false; withinTerritory: false; eventTypeSubscribed: boolean; ownEvent: false }
  > {
    const guichet = await this.get(code);
    const revision = await this.subscription(code);
    const decoded = validateEvent(input);
    if (!decoded.ok) throw new InvalidInputError('not a valid event', decoded.issues);
    const event: CloudEvent = decoded.value;
    const document = matchDocument(event, await this.demandStates.demandOf(event));
    const bound = territoryRule(guichet.territory);
    // Nothing of a demand outside the territory is shown, not even which predicates it fails.
    if (bound && explain(bound, document).matched === false)
      return {
        matched: false,
        withinTerritory: false,
        eventTypeSubscribed: revision.eventTypes.includes(event.type),
        ownEvent: false,
      };
    return {
      withinTerritory: true,
      ...explain(revision.rule, document),
      eventTypeSubscribed: revision.eventTypes.includes(event.type),
      ownEvent: event.guichet === code && !revision.includeOwnEvents,
    };
  }
}

/** A retired guichet stays as it was left: nothing about it is changed again. */
export function refuseRetired(guichet: Guichet): void {
  if (guichet.retiredAt)
    throw new ConflictError(`guichet ${guichet.code} was retired on ${guichet.retiredAt}`, {
      code: guichet.code,
      retiredAt: guichet.retiredAt,
    });
}
