/**
 * The reversible mapping between MQTT topic levels and NATS subject tokens.
 *
 * One topic level is one subject token. NATS gives meaning to `.` (token
 * separator), `*` and `>` (wildcards) and forbids whitespace and empty
 * tokens, while MQTT allows all of them inside a level. So a level is escaped
 * with `~` as the escape character:
 *   - an empty level becomes the token `~` alone (an escaped token is never
 *     just `~`, so this cannot collide);
 *   - `.`, `*`, `>`, `~`, `$`, C0 controls and space (≤ 0x20), DEL (0x7F), C1
 *     controls (0x80–0x9F) and Unicode whitespace become `~XX` per UTF-8 byte
 *     (two uppercase hex digits). `$` is escaped so no token looks like a
 *     NATS system subject (`$SYS`, `$JS`);
 *   - every other character, non-ASCII included, stays as is.
 *
 * The bus subscription of a filter is a superset of its MQTT matches (`*.x`
 * also matches the token `~24SYS`), so receivers still match exactly with
 * topicMatchesFilter [MQTT-4.7.2-1].
 *
 * Subjects are bounded: NATS refuses a protocol line longer than its
 * max_control_line (4 KiB by default) and drops the connection, and replays
 * every subscription on reconnect, so one 65,535-byte filter [CVE-2019-11779]
 * would cut a gateway off the bus for good. A topic whose subject would be
 * longer than MAX_SUBJECT_BYTES goes to the single subject LONG_TOPIC_SUBJECT,
 * and every filter that can match such a topic listens there too.
 */

import { InvalidArgumentError } from '@mqp/model';

/** Longest mapped subject (UTF-8 bytes, without the caller's prefix): far below NATS's 4 KiB control line, with room for prefix, sid and reply. */
export const MAX_SUBJECT_BYTES = 1024;
/** The one subject of every topic whose subject would be longer; no topic maps to it otherwise (`L` is not a hex digit). */
export const LONG_TOPIC_SUBJECT = '~L';

const ESCAPE = '~';
const EMPTY_LEVEL_TOKEN = '~';
const HEX = '0123456789ABCDEF';

function mustEscape(c: number): boolean {
  if (c <= 0x20 || c === 0x7f) return true;
  if (c < 0x7f) return c === 0x2e || c === 0x2a || c === 0x3e || c === 0x7e || c === 0x24; // . * > ~ $
  if (c <= 0x9f) return true; // C1 controls, U+0085 NEXT LINE among them
  // Unicode White_Space outside ASCII, plus U+FEFF that JavaScript's \s also counts
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function escapeLevel(level: string): string {
  if (level.length === 0) return EMPTY_LEVEL_TOKEN;
  let i = 0;
  while (i < level.length && !mustEscape(level.charCodeAt(i))) i++;
  if (i === level.length) return level; // the common case: nothing to escape, no allocation
  let out = level.slice(0, i);
  for (; i < level.length; i++) {
    const c = level.charCodeAt(i);
    if (!mustEscape(c)) {
      out += level[i];
      continue;
    }
    // every escaped character is in the BMP and not a surrogate, so one code unit
    for (const byte of Buffer.from(level[i] as string, 'utf8')) out += ESCAPE + HEX[byte >> 4] + HEX[byte & 0xf];
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function unescapeToken(token: string): string {
  if (token === EMPTY_LEVEL_TOKEN) return '';
  if (!token.includes(ESCAPE)) return token;
  let out = '';
  let i = 0;
  while (i < token.length) {
    if (token[i] !== ESCAPE) {
      out += token[i];
      i++;
      continue;
    }
    // a run of escapes is one UTF-8 byte sequence (a multi-byte whitespace)
    const bytes: number[] = [];
    while (token[i] === ESCAPE) {
      const hi = hexValue(token.charCodeAt(i + 1));
      const lo = hexValue(token.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) throw new InvalidArgumentError(`invalid escape in subject token '${token}'`);
      bytes.push((hi << 4) | lo);
      i += 3;
    }
    const text = Buffer.from(bytes).toString('utf8');
    if (text.includes('\ufffd')) throw new InvalidArgumentError(`invalid UTF-8 escape in subject token '${token}'`);
    out += text;
  }
  return out;
}

/** Whether some level of `topic` is empty or has a character to escape; most topics have neither, and map by one replace. */
function needsEscaping(topic: string): boolean {
  let levelStart = true;
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c === 0x2f) {
      if (levelStart) return true;
      levelStart = true;
      continue;
    }
    if (mustEscape(c)) return true;
    levelStart = false;
  }
  return levelStart;
}

/** Whether a subject fits MAX_SUBJECT_BYTES; a UTF-16 code unit is at most 3 UTF-8 bytes, so short ones are not measured. */
function fits(subject: string): boolean {
  return subject.length * 3 <= MAX_SUBJECT_BYTES || Buffer.byteLength(subject, 'utf8') <= MAX_SUBJECT_BYTES;
}

/**
 * `a/b` → `a.b`; `/a/` → `~.a.~`; `$SYS/x` → `~24SYS.x`; a topic whose
 * subject would exceed MAX_SUBJECT_BYTES → LONG_TOPIC_SUBJECT. The topic
 * must be a valid topic name.
 */
export function topicToSubject(topic: string): string {
  const subject = needsEscaping(topic) ? topic.split('/').map(escapeLevel).join('.') : topic.replaceAll('/', '.');
  return fits(subject) ? subject : LONG_TOPIC_SUBJECT;
}

/** The exact inverse of topicToSubject; throws on a subject it could not have produced, and on LONG_TOPIC_SUBJECT (it stands for many topics). */
export function subjectToTopic(subject: string): string {
  return subject.split('.').map(unescapeToken).join('/');
}

/**
 * The NATS subjects whose union receives every topic the (plain, valid) MQTT
 * filter matches: `+` → `*`; a trailing `#` → `>` plus the parent level,
 * since `a/#` also matches `a` [MQTT-4.7.1-2] while `a.>` needs one more
 * token. `#` alone is just `>`: every topic has at least one level.
 */
export function filterToSubjects(filter: string): string[] {
  const levels = filter.split('/');
  const tokens = levels.map((level) => (level === '+' ? '*' : level === '#' ? '>' : escapeLevel(level)));
  if (levels.length === 1 && levels[0] === '#') return ['>'];
  const exact = levels[levels.length - 1] !== '#' ? [tokens.join('.')] : [tokens.join('.'), tokens.slice(0, -1).join('.')];
  return boundSubjects(exact, levels.some((level) => level === '+' || level === '#'));
}

/**
 * A subject too long for the bus can only match topics at least as long (a
 * wildcard token is one character, the level it matches at least one), so it
 * is replaced by LONG_TOPIC_SUBJECT; a wildcard filter may match a long topic
 * whatever its own length, so it listens there too, unless one of its
 * subjects (`*`, `>`) already matches that single token — a filter never gets
 * the same message twice.
 */
function boundSubjects(exact: string[], wildcard: boolean): string[] {
  const out: string[] = [];
  for (const subject of exact) {
    const bounded = fits(subject) ? subject : LONG_TOPIC_SUBJECT;
    if (!out.includes(bounded)) out.push(bounded);
  }
  if (wildcard && !out.includes(LONG_TOPIC_SUBJECT) && !out.includes('*') && !out.includes('>')) out.push(LONG_TOPIC_SUBJECT);
  return out;
}
