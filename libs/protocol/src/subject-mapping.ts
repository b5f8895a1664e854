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
 */

import { InvalidArgumentError } from '@mqp/model';

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

/** `a/b` → `a.b`; `/a/` → `~.a.~`; `$SYS/x` → `~24SYS.x`. The topic must be a valid topic name. */
export function topicToSubject(topic: string): string {
  return topic.split('/').map(escapeLevel).join('.');
}

/** The exact inverse of topicToSubject; throws on a subject it could not have produced. */
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
  if (levels[levels.length - 1] !== '#') return [tokens.join('.')];
  if (levels.length === 1) return ['>'];
  return [tokens.join('.'), tokens.slice(0, -1).join('.')];
}
