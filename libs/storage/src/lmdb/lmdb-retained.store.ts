import { createHash } from 'node:crypto';
import type { Database } from 'lmdb';
import type { Message } from '@mqp/model';
import { topicMatchesFilter } from '@mqp/protocol';
import type { RetainedStore } from '../retained.store';

/** lmdb-js refuses keys over 1978 bytes; topics longer than this (rare) go to a second, scanned database. */
const MAX_INDEXED_KEY_BYTES = 1900;
const SEPARATOR = 0x00;
const AFTER_SEPARATOR = 0x01;
const DOLLAR = 0x24;

/**
 * Retained messages in LMDB, indexed by topic levels: the key is the topic
 * with '/' replaced by U+0000 (which a topic cannot contain [MQTT-4.7.3-2]),
 * compared as bytes. All topics under `a/b/` then share the key prefix
 * `a\0b\0`, so a filter reads key ranges instead of every topic: literal
 * levels extend the prefix, '#' reads the whole range under it, and '+' skips
 * from one child level to the next (one seek per distinct child, the way the
 * in-memory topic tree walks its branches).
 */
export class LmdbRetainedStore implements RetainedStore {
  constructor(
    private readonly db: Database<Message, Buffer>,
    // sha256 of the topic → message, for topics too long to be keys
    private readonly long: Database<Message, string>,
  ) {}

  async set(message: Message): Promise<void> {
    const key = topicKey(message.topic);
    if (key.length <= MAX_INDEXED_KEY_BYTES) await this.db.put(key, message);
    else await this.long.put(longKey(message.topic), message);
  }

  async delete(topic: string): Promise<void> {
    const key = topicKey(topic);
    if (key.length <= MAX_INDEXED_KEY_BYTES) await this.db.remove(key);
    else await this.long.remove(longKey(topic));
  }

  async get(topic: string): Promise<Message | undefined> {
    const key = topicKey(topic);
    return key.length <= MAX_INDEXED_KEY_BYTES ? this.db.get(key) : this.long.get(longKey(topic));
  }

  async match(filter: string): Promise<Message[]> {
    const levels = filter.split('/').map((level) => Buffer.from(level, 'utf8'));
    const out: Message[] = [];
    // An explicit stack instead of recursion: filters may have many levels.
    // `prefix` is the key of levels[0..depth), each followed by the separator.
    const stack: { depth: number; prefix: Buffer }[] = [{ depth: 0, prefix: Buffer.alloc(0) }];
    while (stack.length > 0) {
      const { depth, prefix } = stack.pop()!;
      // every indexed key is at most MAX_INDEXED_KEY_BYTES long, so nothing indexed lies under a longer prefix (and
      // lmdb-js would throw on such a key); the scan of over-long topics below covers it
      if (prefix.length > MAX_INDEXED_KEY_BYTES + 1) continue;
      if (depth === levels.length) {
        this.pushExact(prefix.subarray(0, prefix.length - 1), out);
        continue;
      }
      const level = levels[depth]!;
      // [MQTT-4.7.2-1] a filter starting with a wildcard does not match topics starting with '$'
      const skipDollar = depth === 0;
      if (level.length === 1 && level[0] === 0x23 /* # */) {
        // [MQTT-4.7.1-2] '#' matches the parent level too: `a/#` matches `a`
        if (depth > 0) this.pushExact(prefix.subarray(0, prefix.length - 1), out);
        for (const { key, value } of this.db.getRange(rangeUnder(prefix))) {
          if (skipDollar && key[0] === DOLLAR) continue;
          out.push(value);
        }
      } else if (level.length === 1 && level[0] === 0x2b /* + */) {
        const range = rangeUnder(prefix);
        let start = range.start;
        for (;;) {
          let next: Buffer | undefined;
          for (const key of this.db.getKeys({ start, end: range.end, limit: 1 })) next = key;
          if (!next) break;
          const rest = next.subarray(prefix.length);
          const end = rest.indexOf(SEPARATOR);
          const name = end < 0 ? rest : rest.subarray(0, end);
          if (!(skipDollar && name[0] === DOLLAR)) stack.push({ depth: depth + 1, prefix: Buffer.concat([prefix, name, Buffer.of(SEPARATOR)]) });
          // past this child and everything under it: the next key is the next sibling
          start = Buffer.concat([prefix, name, Buffer.of(AFTER_SEPARATOR)]);
        }
      } else {
        stack.push({ depth: depth + 1, prefix: Buffer.concat([prefix, level, Buffer.of(SEPARATOR)]) });
      }
    }
    // Over-long topics are not in the index; they are few, so they are scanned.
    for (const { value } of this.long.getRange()) {
      if (topicMatchesFilter(value.topic, filter)) out.push(value);
    }
    return out;
  }

  async count(): Promise<number> {
    return this.db.getCount() + this.long.getCount();
  }

  private pushExact(key: Buffer, out: Message[]): void {
    // the empty topic does not exist [MQTT-4.7.3-1] (and LMDB refuses empty keys)
    if (key.length === 0 || key.length > MAX_INDEXED_KEY_BYTES) return;
    const value = this.db.get(key);
    if (value !== undefined) out.push(value);
  }
}

function topicKey(topic: string): Buffer {
  const key = Buffer.from(topic, 'utf8');
  // '/' is one byte in UTF-8 and never part of a multi-byte sequence
  for (let i = 0; i < key.length; i++) if (key[i] === 0x2f) key[i] = SEPARATOR;
  return key;
}

function longKey(topic: string): string {
  return createHash('sha256').update(topic).digest('hex');
}

/** Keys starting with `prefix` (which ends with the separator, or is empty for all keys). */
function rangeUnder(prefix: Buffer): { start: Buffer; end?: Buffer } {
  if (prefix.length === 0) return { start: prefix };
  const end = Buffer.from(prefix);
  end[end.length - 1] = AFTER_SEPARATOR;
  return { start: prefix, end };
}
