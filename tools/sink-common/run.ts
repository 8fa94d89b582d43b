import type { SinkLogger } from './logger';

export interface Runnable {
  start(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

/** Starts a sink as a process: exits 0 once stopped on SIGTERM or SIGINT, 1 if it cannot start. */
export function runUntilSignal(sink: Runnable, logger: SinkLogger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    setTimeout(() => {
      logger.error(
        'stop timed out',
        new Error(`still running ${STOP_GRACE_MS} ms after ${signal}`),
      );
      process.exit(1);
    }, STOP_GRACE_MS).unref();
    sink.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  sink.start().then(
    (ports) => logger.info('listening', ports),
    (error: unknown) => {
      logger.error('start failed', error);
      process.exit(1);
    },
  );
}
