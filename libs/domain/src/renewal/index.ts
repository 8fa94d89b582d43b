export * from './anniversary';
export {
  DEFAULT_QUIET_HOURS,
  PARIS_TIME_ZONE,
  type QuietHours,
  dateInTimeZone,
  nextSendableInstant,
  parisDate,
} from './zoned-time';
export * from './renewal-settings';
export * from './renewal-calendar';
export * from './notice-texts';
export * from './renewal-texts';
