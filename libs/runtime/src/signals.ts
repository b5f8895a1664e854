import type { Logger } from './logger';

/**
 * Runs `shutdown` once on the first SIGINT or SIGTERM; a second signal while
 * draining exits at once with code 130, so Ctrl-C twice always works.
 */
export function onShutdownSignal(logger: Logger, shutdown: (signal: NodeJS.Signals) => Promise<void>): void {
  let draining = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (draining) {
      logger.warn(`second ${signal} while shutting down: exiting now`);
      process.exit(130);
    }
    draining = true;
    logger.info(`${signal} received: shutting down`);
    shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
