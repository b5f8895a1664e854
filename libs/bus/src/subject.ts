import { InvalidArgumentError } from '@mqp/model';

/**
 * NATS subject rules, checked the same way by both Bus implementations so a
 * subject that works standalone also works distributed. A subject is
 * dot-separated non-empty tokens without whitespace (whitespace is the NATS
 * protocol's field separator: `PUB a b 5` would read `b` as a reply subject).
 * `*` and `>` are wildcards only as whole tokens, and only in subscriptions;
 * `>` only as the last token.
 *
 * These scan characters instead of splitting, because NatsBus runs the
 * publish check on every message.
 */
export function assertPublishSubject(subject: string): void {
  if (!isValidSubject(subject, false)) {
    throw new InvalidArgumentError(`invalid bus subject for publish: ${JSON.stringify(subject)}`);
  }
}

export function assertSubscribeSubject(subject: string): void {
  if (!isValidSubject(subject, true)) {
    throw new InvalidArgumentError(`invalid bus subject for subscribe: ${JSON.stringify(subject)}`);
  }
}

/** Queue group names travel in the same protocol line as the subject: non-empty, no whitespace. */
export function assertQueueName(queue: string): void {
  if (queue.length === 0 || /\s/.test(queue)) {
    throw new InvalidArgumentError(`invalid bus queue group name: ${JSON.stringify(queue)}`);
  }
}

const DOT = 0x2e;
const STAR = 0x2a;
const GT = 0x3e;

function isValidSubject(subject: string, wildcards: boolean): boolean {
  const length = subject.length;
  if (length === 0) return false;
  let tokenStart = 0;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? DOT : subject.charCodeAt(i);
    if (c === DOT) {
      const tokenLength = i - tokenStart;
      if (tokenLength === 0) return false;
      if (tokenLength === 1) {
        const only = subject.charCodeAt(tokenStart);
        if (only === STAR && !wildcards) return false;
        if (only === GT && (!wildcards || i !== length)) return false;
      }
      tokenStart = i + 1;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b) {
      return false;
    }
  }
  return true;
}
