import { randomBytes } from 'node:crypto';

let counter = 0;
const prefix = randomBytes(6).toString('hex');

/**
 * A unique, cheap id: a random per-process prefix plus a counter. Unique across
 * processes with overwhelming probability (48 random bits per process), and
 * ordered within one process, which helps reading logs and traces.
 */
export function newId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}${counter.toString(36)}`;
}
