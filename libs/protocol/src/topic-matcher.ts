/**
 * Exact MQTT matching of one topic name against one (non-shared) topic filter.
 * Both must already be valid (see topic.ts); strip a `$share/{group}/` prefix
 * before calling. Empty levels are real levels: `a//b` has three, `/a` two.
 */
export function topicMatchesFilter(topic: string, filter: string): boolean {
  const f0 = filter.charCodeAt(0);
  // [MQTT-4.7.2-1] filters starting with a wildcard must not match topics starting with '$'
  if (topic.charCodeAt(0) === 0x24 && (f0 === 0x2b || f0 === 0x23)) return false;
  const t = topic.split('/');
  const f = filter.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    // [MQTT-4.7.1-2] '#' matches the parent level and any number of child levels
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return t.length === f.length;
}
