import type { Guichet } from '../guichets/guichet';
import type { MachineClientRegistration } from './guichet-machine-clients';

export interface MachineClientPlan {
  /** Clients whose guichet is retired or no longer stored: to revoke. */
  readonly revoke: readonly string[];
  /** Guichets in service with no client registered here: reported, never registered unasked. */
  readonly withoutClient: readonly string[];
}

/** What to do to make the provider's guichet clients what the stored guichets say. */
export function planMachineClients(
  guichets: ReadonlyArray<Pick<Guichet, 'code' | 'retiredAt'>>,
  registrations: readonly MachineClientRegistration[],
): MachineClientPlan {
  const inService = new Set(
    guichets.filter((guichet) => !guichet.retiredAt).map((guichet) => guichet.code),
  );
  const registered = new Set(registrations.map((registration) => registration.code));
  return {
    revoke: [...registered].filter((code) => !inService.has(code)).sort(),
    withoutClient: [...inService].filter((code) => !registered.has(code)).sort(),
  };
}
