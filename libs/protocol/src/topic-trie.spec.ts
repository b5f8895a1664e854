import { topicMatchesFilter } from './topic-matcher';
import { TopicTrie } from './topic-trie';

/** mulberry32: a tiny seeded PRNG so the randomized tables are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = ['a', 'b', 'c', '', '$SYS', '$x', '__proto__'];

function randomTopic(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 4);
  const levels: string[] = [];
  for (let i = 0; i < n; i++) levels.push(LEVELS[Math.floor(rand() * LEVELS.length)] as string);
  return levels.join('/');
}

function randomFilter(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 4);
  const levels: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (i === n - 1 && r < 0.2) levels.push('#');
    else if (r < 0.45) levels.push('+');
    else levels.push(LEVELS[Math.floor(rand() * LEVELS.length)] as string);
  }
  return levels.join('/');
}

function sorted(values: number[]): number[] {
  return [...values].sort((x, y) => x - y);
}

describe('TopicTrie', () => {
  it('returns the values of every matching filter', () => {
    const trie = new TopicTrie<string>();
    trie.add('a/b', 'exact');
    trie.add('a/+', 'plus');
    trie.add('a/#', 'hash');
    trie.add('#', 'all');
    trie.add('b/#', 'other');
    expect(trie.match('a/b').sort()).toEqual(['all', 'exact', 'hash', 'plus']);
    expect(trie.match('a').sort()).toEqual(['all', 'hash']);
  });

  it("matches the parent level of 'a/#' [MQTT-4.7.1-2]", () => {
    const trie = new TopicTrie<number>();
    trie.add('a/#', 1);
    expect(trie.match('a')).toEqual([1]);
    expect(trie.match('ab')).toEqual([]);
  });

  it("does not match '$' topics with a leading wildcard [MQTT-4.7.2-1]", () => {
    const trie = new TopicTrie<string>();
    trie.add('#', 'hash');
    trie.add('+/x', 'plus');
    trie.add('$SYS/#', 'sys');
    expect(trie.match('$SYS/x')).toEqual(['sys']);
    expect(trie.match('a/x').sort()).toEqual(['hash', 'plus']);
  });

  it('treats empty levels as levels', () => {
    const trie = new TopicTrie<string>();
    trie.add('a//b', 'empty');
    trie.add('+/+', 'two');
    expect(trie.match('a//b')).toEqual(['empty']);
    expect(trie.match('/')).toEqual(['two']);
    expect(trie.match('a/b')).toEqual(['two']);
  });

  it('keeps a pair once and counts pairs in size', () => {
    const trie = new TopicTrie<string>();
    expect(trie.add('a', 'x')).toBe(true);
    expect(trie.add('a', 'x')).toBe(false);
    expect(trie.add('a', 'y')).toBe(true);
    expect(trie.add('+', 'x')).toBe(true);
    expect(trie.size).toBe(3);
    expect(trie.match('a').sort()).toEqual(['x', 'x', 'y']);
    expect([...(trie.valuesOf('a') ?? [])].sort()).toEqual(['x', 'y']);
    expect(trie.valuesOf('b')).toBeUndefined();
  });

  it('stores prototype property names as plain levels', () => {
    const trie = new TopicTrie<number>();
    trie.add('__proto__/constructor', 1);
    trie.add('toString', 2);
    expect(trie.match('__proto__/constructor')).toEqual([1]);
    expect(trie.match('toString')).toEqual([2]);
    expect(trie.match('hasOwnProperty')).toEqual([]);
  });

  it('removes pairs, reports unknown ones, and prunes empty nodes', () => {
    const trie = new TopicTrie<string>();
    trie.add('a/b/c', 'x');
    trie.add('a/b', 'y');
    expect(trie.nodeCount).toBe(4);
    expect(trie.remove('a/b/c', 'nope')).toBe(false);
    expect(trie.remove('a/b/c/d', 'x')).toBe(false);
    expect(trie.remove('a/b/c', 'x')).toBe(true);
    expect(trie.remove('a/b/c', 'x')).toBe(false);
    expect(trie.nodeCount).toBe(3); // a/b still holds y
    expect(trie.match('a/b')).toEqual(['y']);
    expect(trie.remove('a/b', 'y')).toBe(true);
    expect(trie.nodeCount).toBe(1);
    expect(trie.size).toBe(0);
    expect(trie.filters()).toEqual([]);
  });

  it('lists its filters', () => {
    const trie = new TopicTrie<number>();
    for (const f of ['a', 'a/+', '#', '/', 'a//#']) trie.add(f, 1);
    trie.add('a', 2);
    expect(trie.filters().sort()).toEqual(['#', '/', 'a', 'a/+', 'a//#']);
  });

  it('agrees with topicMatchesFilter on a randomized table (seed 42), before and after removals', () => {
    const rand = prng(42);
    const trie = new TopicTrie<number>();
    const filters: string[] = [];
    for (let i = 0; i < 400; i++) {
      const f = randomFilter(rand);
      filters.push(f);
      trie.add(f, i);
    }
    const topics = Array.from({ length: 600 }, () => randomTopic(rand));
    const check = (live: (i: number) => boolean): number => {
      let matched = 0;
      for (const topic of topics) {
        const expected = filters.flatMap((f, i) => (live(i) && topicMatchesFilter(topic, f) ? [i] : []));
        expect({ topic, ids: sorted(trie.match(topic)) }).toEqual({ topic, ids: expected });
        matched += expected.length;
      }
      return matched;
    };
    // the table must exercise matching, not only agree on "nothing matches"
    expect(check(() => true)).toBeGreaterThan(1000);
    for (let i = 0; i < filters.length; i += 2) expect(trie.remove(filters[i] as string, i)).toBe(true);
    expect(trie.size).toBe(200);
    check((i) => i % 2 === 1);
    for (let i = 1; i < filters.length; i += 2) trie.remove(filters[i] as string, i);
    expect(trie.nodeCount).toBe(1);
  });
});
