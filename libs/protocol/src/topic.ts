/**
 * Topic name and topic filter validation (MQTT 3.1.1 section 4.7, MQTT 5.0
 * sections 4.7 and 4.8.2). Validators return a short human reason instead of
 * throwing, so the caller picks the reaction: a v5 reason code (0x90 / 0x8F),
 * a SUBACK failure, or closing the connection.
 */

export interface TopicLimits {
  /** Most levels a topic or filter may have; HOSTILE-INPUTS.md: 128 (EMQX 128, Mosquitto 200, aedes 100). */
  maxLevels?: number;
  /** Most UTF-8 bytes; the wire format caps a string at 65,535 [MQTT-1.5.3]. */
  maxLength?: number;
}

export const DEFAULT_MAX_TOPIC_LEVELS = 128;
export const MAX_TOPIC_BYTES = 65_535;

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;
/** What a decoder (mqtt-packet uses Buffer#toString('utf8')) puts in place of invalid UTF-8. */
const REPLACEMENT_CHAR = 0xfffd;

export function isSysTopic(topic: string): boolean {
  return topic.charCodeAt(0) === DOLLAR;
}

export function validateTopicName(topic: string, limits?: TopicLimits): string | undefined {
  return scan(topic, false, limits);
}

export function validateTopicFilter(filter: string, limits?: TopicLimits): string | undefined {
  const shared = parseSharedFilter(filter);
  if (shared === undefined) return scan(filter, true, limits);
  // [MQTT-4.8.2-2] the ShareName must not contain '/', '+' or '#' (a '/' ends it by construction)
  if (shared.group.length === 0) return 'shared subscription group is empty';
  if (/[+#]/.test(shared.group)) return 'shared subscription group must not contain + or #';
  // [MQTT-4.8.2-1] a shared subscription must contain a ShareName and a Topic Filter
  if (shared.filter.length === 0) return 'shared subscription has no topic filter';
  const reason = scan(shared.filter, true, limits);
  return reason === undefined ? undefined : `shared subscription filter: ${reason}`;
}

/**
 * Splits `$share/{group}/{filter}` (MQTT 5) and `$queue/{filter}` (EMQX's
 * older form, group `$queue`). Returns undefined only for filters that are
 * not in a shared form at all; a malformed shared filter (`$share//a`,
 * `$share/g`) comes back with empty parts so that nobody mistakes it for a
 * plain filter. Call validateTopicFilter first to refuse those.
 */
export function parseSharedFilter(filter: string): { group: string; filter: string } | undefined {
  if (filter.startsWith('$share/')) {
    const rest = filter.slice('$share/'.length);
    const slash = rest.indexOf('/');
    if (slash === -1) return { group: rest, filter: '' };
    return { group: rest.slice(0, slash), filter: rest.slice(slash + 1) };
  }
  if (filter.startsWith('$queue/')) return { group: '$queue', filter: filter.slice('$queue/'.length) };
  return undefined;
}

/** One pass over the string: characters, wildcards, levels and UTF-8 length together. */
function scan(s: string, isFilter: boolean, limits: TopicLimits | undefined): string | undefined {
  // [MQTT-4.7.3-1] topic names and topic filters must be at least one character long
  if (s.length === 0) return isFilter ? 'topic filter is empty' : 'topic name is empty';
  const maxLevels = limits?.maxLevels ?? DEFAULT_MAX_TOPIC_LEVELS;
  const maxBytes = Math.min(limits?.maxLength ?? MAX_TOPIC_BYTES, MAX_TOPIC_BYTES);
  let levels = 1;
  let bytes = 0;
  let levelStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
      // [MQTT-4.7.3-2] must not include the null character U+0000
      if (c === 0) return 'contains U+0000';
      if (c === SLASH) {
        if (++levels > maxLevels) return `more than ${maxLevels} levels`;
        levelStart = i + 1;
      } else if (c === PLUS || c === HASH) {
        // [MQTT-3.3.2-2] a topic name must not contain wildcard characters
        if (!isFilter) return 'wildcard in a topic name';
        const levelEnd = i + 1 === s.length || s.charCodeAt(i + 1) === SLASH;
        // [MQTT-4.7.1-3] '+' must occupy an entire level
        if (c === PLUS && (i !== levelStart || !levelEnd)) return "'+' must occupy a whole level";
        // [MQTT-4.7.1-2] '#' must occupy a whole level and be the last level
        if (c === HASH && (i !== levelStart || i + 1 !== s.length)) return "'#' must be the last whole level";
      }
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      // [MQTT-1.5.3-1] UTF-16 surrogates have no UTF-8 form: only a valid pair is a character
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'contains an unpaired surrogate';
      bytes += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return 'contains an unpaired surrogate';
    } else if (c === REPLACEMENT_CHAR) {
      // [MQTT-1.5.3-1] ill-formed UTF-8 on the wire; the decoder turned it into U+FFFD
      return 'contains invalid UTF-8';
    } else {
      bytes += 3;
    }
    if (bytes > maxBytes) return `longer than ${maxBytes} bytes`;
  }
  return undefined;
}
