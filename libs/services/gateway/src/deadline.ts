import { ServiceUnavailableError } from '@mqp/model';

/**
 * Rejects with ServiceUnavailableError if `promise` has not settled within
 * `ms`. Every call the gateway makes to auth, session and router goes through
 * this so that a hung service fails closed instead of parking a connection.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServiceUnavailableError(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
