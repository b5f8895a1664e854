import { filterCovers } from './filter-covers';

describe('filterCovers(rule, request)', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['a/b', 'a/+', false],
    ['a/b', 'a/#', false],
    ['a/+', 'a/b', true],
    ['a/+', 'a/+', true],
    ['a/+', 'a/#', false],
    ['a/+', 'a', false],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a/', true],
    ['a/#', 'a', true],
    ['a/#', 'a/b/+', true],
    ['a/#', 'a/#', true],
    ['a/#', 'a/+/#', true],
    ['a/#', 'b/#', false],
    ['a/#', '#', false],
    ['a/#', '+/b', false],
    ['a/b/#', 'a/#', false],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/+/c', true],
    ['a/+/c', 'a/b/#', false],
    ['+/+', 'a/b', true],
    ['+/+', '+/#', false],
    ['#', '#', true],
    ['#', 'a/b/c', true],
    ['#', '+/+', true],
    ['a', 'a/b', false],
    ['a', 'a/#', false],
    ['/a', '/a', true],
    ['+/a', '/a', true],
  ])('rule %j covers request %j: %s', (rule, request, expected) => {
    expect(filterCovers(rule, request)).toBe(expected);
  });

  it.each([
    ['#', '$SYS/#'],
    ['#', '$SYS/broker'],
    ['+/broker', '$SYS/broker'],
    ['+/#', '$foo/bar'],
  ])("wildcard rule %j does not cover the '$' request %j [MQTT-4.7.2-1]", (rule, request) => {
    expect(filterCovers(rule, request)).toBe(false);
  });

  it("a rule naming the '$' level covers it", () => {
    expect(filterCovers('$SYS/#', '$SYS/broker/+')).toBe(true);
    expect(filterCovers('a/+', 'a/$x')).toBe(true);
  });
});
