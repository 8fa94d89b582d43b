import { Injectable } from '@nestjs/common';
import { type CloudEvent, validateEvent } from '@sne/contracts';
import { explain, type ExplainResult, territoryRule } from '@sne/matching';
import { InvalidInputError } from '@sne/platform';
import { DemandStateRepository } from '../dispatch/demand-state.repository';
import { matchDocument } from '../dispatch/match-document';
import { GuichetsService } from '../guichets/guichets.service';

export type Explanation =
  | (ExplainResult & { withinTerritory: true; eventTypeSubscribed: boolean; ownEvent: boolean })
  | { matched: false; withinTerritory: false; eventTypeSubscribed: boolean; ownEvent: false };

/** Why a guichet would (not) receive an event, predicate by predicate. */
@Injectable()
export class ExplainService {
  constructor(
    private readonly guichets: GuichetsService,
    private readonly demandStates: DemandStateRepository,
  ) {}

  /** The explanation, and the demand (or document) it is about: the event's subject. */
  async explain(
    code: string,
    input: unknown,
  ): Promise<{ subject: string; explanation: Explanation }> {
    const guichet = await this.guichets.get(code);
    const revision = await this.guichets.subscription(code);
    const decoded = validateEvent(input);
    if (!decoded.ok) throw new InvalidInputError('not a valid event', decoded.issues);
    const event: CloudEvent = decoded.value;
    const document = matchDocument(event, await this.demandStates.demandOf(event));
    const bound = territoryRule(guichet.territory);
    // Nothing of a demand outside the territory is shown, not even which predicates it fails.
    const eventTypeSubscribed = revision.eventTypes.includes(event.type);
    if (bound && explain(bound, document).matched === false)
      return {
        subject: event.subject,
        explanation: {
          matched: false,
          withinTerritory: false,
          eventTypeSubscribed,
          ownEvent: false,
        },
      };
    return {
      subject: event.subject,
      explanation: {
        withinTerritory: true,
        ...explain(revision.rule, document),
        eventTypeSubscribed,
        ownEvent: event.guichet === code && !revision.includeOwnEvents,
      },
    };
  }
}
