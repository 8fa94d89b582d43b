/** Parsers for the `config()` function of each tool, the only place that reads the environment. */

export function envPort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name} must be a TCP port (0-65535), got "${value}"`);
  }
  return port;
}

export function envOptional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
