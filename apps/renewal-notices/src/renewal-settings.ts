import { resolveRenewalSettings, type RenewalSettings } from '@sne/domain';
import type { RenewalNoticesConfig } from './config';

/** Injection token of the app's `RenewalSettings`. */
export const RENEWAL_SETTINGS = Symbol('RENEWAL_SETTINGS');

/** The seeds' calendar with the deployment's overrides; an invalid override stops the start. */
export function renewalSettingsFrom(
  config: Pick<RenewalNoticesConfig, 'RENEWAL_SETTINGS' | 'PORTAL_URL'>,
): RenewalSettings {
  return resolveRenewalSettings({ portalUrl: config.PORTAL_URL, ...config.RENEWAL_SETTINGS });
}
