export interface SinkLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, error: unknown, fields?: Record<string, unknown>): void;
}

export const silentLogger: SinkLogger = {
  info: () => undefined,
  error: () => undefined,
};

/** One JSON object a line: received messages on stdout, errors on stderr. */
export function jsonLogger(service: string): SinkLogger {
  const line = (event: string, fields: Record<string, unknown>) =>
    `${JSON.stringify({ time: new Date().toISOString(), service, event, ...fields })}\n`;
  return {
    info: (event, fields = {}) => void process.stdout.write(line(event, fields)),
    error: (event, error, fields = {}) =>
      void process.stderr.write(line(event, { ...fields, error: describeError(error) })),
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
