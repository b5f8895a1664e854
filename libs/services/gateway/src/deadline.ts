import { ServiceUnavailableError } from '@mqp/model';

/**
 * Rejects with ServiceUnavailableError if `promise` has not settled within
 * `ms`. Every call the gateway makes to auth, session and router goes through
 * this so that a hung service fails closed instead of parking a connection.
 * One promise and one `then` per call, not a race of two promises and a
 * `finally`: two calls per CONNECT, about 2 KB of garbage each way (issue 6).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ServiceUnavailableError(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
