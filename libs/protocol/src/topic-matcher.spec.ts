import { topicMatchesFilter } from './topic-matcher';

/** [topic, filter, matches] */
const MATCH_TABLE: Array<[string, string, boolean]> = [
  ['a', 'a', true],
  ['a/b', 'a/b', true],
  ['a/b', 'a/c', false],
  ['a', 'b', false],
  ['a/b', 'a', false],
  ['a', 'a/b', false],
  // '+' is exactly one level
  ['a/b', 'a/+', true],
  ['a/b/c', 'a/+', false],
  ['a', 'a/+', false],
  ['a/', 'a/+', true],
  ['a/b/c', 'a/+/c', true],
  ['a//c', 'a/+/c', true],
  ['/', '+/+', true],
  ['/', '+', false],
  ['/a', '+/a', true],
  ['a', '+', true],
  // '#' is the parent and everything below
  ['a', 'a/#', true],
  ['a/b', 'a/#', true],
  ['a/b/c/d', 'a/#', true],
  ['a/', 'a/#', true],
  ['ab', 'a/#', false],
  ['b/a', 'a/#', false],
  ['a', '#', true],
  ['/', '#', true],
  ['a/b/c', 'a/+/#', true],
  ['a/b', 'a/+/#', true],
  ['a', 'a/+/#', false],
  ['/a', '/#', true],
  ['/', '/#', true],
  // empty levels are real levels
  ['a//b', 'a/b', false],
  ['a//b', 'a//b', true],
  ['/a', 'a', false],
  ['a/', 'a', false],
  // '$' topics and leading wildcards
  ['$SYS/x', '#', false],
  ['$SYS/x', '+/x', false],
  ['$SYS', '+', false],
  ['$SYS/x', '$SYS/#', true],
  ['$SYS/x', '$SYS/+', true],
  ['$SYS', '$SYS/#', true],
  ['a/$x', 'a/+', true],
  ['a/$x', 'a/#', true],
  // prototype names are just levels
  ['__proto__', '__proto__', true],
  ['constructor/toString', '+/toString', true],
];

describe('topicMatchesFilter', () => {
  it.each(MATCH_TABLE)('%j against %j is %s', (topic, filter, expected) => {
    expect(topicMatchesFilter(topic, filter)).toBe(expected);
  });

  it("does not match '$' topics with filters starting with a wildcard [MQTT-4.7.2-1]", () => {
    expect(topicMatchesFilter('$SYS/broker', '#')).toBe(false);
    expect(topicMatchesFilter('$SYS/broker', '+/broker')).toBe(false);
    expect(topicMatchesFilter('$SYS/broker', '$SYS/broker')).toBe(true);
  });

  it("matches the parent level with 'a/#' [MQTT-4.7.1-2]", () => {
    expect(topicMatchesFilter('sport/tennis', 'sport/tennis/#')).toBe(true);
  });
});
