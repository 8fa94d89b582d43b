import { Injectable, Logger } from '@nestjs/common';
import { DEMAND_FIELDS, findNeverMatching, placesOutsideTerritory } from '@sne/matching';
import {
  Clock,
  ConflictError,
  NotFoundError,
  OutsideTerritoryError,
  RuleViolationError,
  StaleVersionError,
} from '@sne/platform';
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
  private readonly savedHooks: Array<(change: SubscriptionChanged) => Promise<void>> = [];

  constructor(
    private readonly repository: GuichetRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * `hook` runs once a subscription change is saved and before it is answered, awaited: the
   * matcher takes the new rule in, so the next event is matched with it.
   */
  whenSubscriptionSaved(hook: (change: SubscriptionChanged) => Promise<void>): void {
    this.savedHooks.push(hook);
  }

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
    const changed: SubscriptionChanged = {
      guichet,
      revision,
      operator: options.operator,
      ...(current ? { previous: current } : {}),
    };
    for (const hook of this.savedHooks) await hook(changed);
    for (const listener of this.changeListeners) listener(changed);
    return revision;
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
