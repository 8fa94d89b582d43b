import type { CloudEvent, DocumentEventData } from '@sne/contracts';
import { parseNumeroUnique } from '@sne/domain';
import { type DispatchTerritory, isNationalTerritory } from '@sne/matching';
import { isDemandEvent } from './demand-state.repository';
import { matchDocument } from './match-document';

/** The department of the demand an event is about, read from the event alone. */
function departmentOf(event: CloudEvent): string | undefined {
  if (isDemandEvent(event)) return event.data.demand.department;
  const numero = (event.data as Partial<DocumentEventData> | undefined)?.numeroUnique;
  if (typeof numero !== 'string') return undefined;
  try {
    return parseNumeroUnique(numero).department;
  } catch {
    return undefined;
  }
}

/**
 * Whether a delivered event is about a demand of the territory: checked again where deliveries
 * leave the platform (feed pages, webhooks), so that an entry written before the territory was
 * enforced, or by any fault upstream, never goes out. Deny by default: an event whose demand's
 * department cannot be read is outside. For a territory of communes, a demand event must also
 * wish one of them.
 */
export function eventWithinTerritory(event: CloudEvent, territory: DispatchTerritory): boolean {
  if (isNationalTerritory(territory)) return true;
  const department = departmentOf(event);
  if (!department || !territory.departments.includes(department)) return false;
  if (!territory.communes?.length || !isDemandEvent(event)) return true;
  const wished = matchDocument(event, event.data.demand).demand as { wishedCommunes?: string[] };
  const communes = new Set(territory.communes);
  return (wished.wishedCommunes ?? []).some((commune) => communes.has(commune));
}
