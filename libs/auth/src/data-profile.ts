import type { Principal } from './principal';

/**
 * How much of a demand's personal data a caller sees. `restricted` (consultant simple alone):
 * the demand without NIR, incomes, resources, disability and the free texts that may carry
 * health details; `full` for everyone else allowed to read demands (guichets of the territory,
 * managers, consultants demande and sensible).
 */
export type DataProfile = 'full' | 'restricted';

export function dataProfileOf(principal: Principal): DataProfile {
  if (principal.kind === 'guichet') return 'full';
  return principal.roles.some((role) => role !== 'consultant-simple') ? 'full' : 'restricted';
}
