import { SubjectTrie } from './subject-trie';

describe('SubjectTrie', () => {
  const cases: { filter: string; matches: string[]; misses: string[] }[] = [
    { filter: 'a.b', matches: ['a.b'], misses: ['a', 'a.c', 'a.b.c', 'b.b'] },
    { filter: 'a.*', matches: ['a.b', 'a.*x'], misses: ['a', 'a.b.c', 'b.a'] },
    { filter: '*.b', matches: ['a.b', 'x.b'], misses: ['b', 'a.b.c', 'a.c'] },
    { filter: '*', matches: ['a', 'b'], misses: ['a.b'] },
    { filter: 'a.>', matches: ['a.b', 'a.b.c.d'], misses: ['a', 'b.a'] },
    { filter: '>', matches: ['a', 'a.b.c'], misses: [] },
    { filter: '*.>', matches: ['a.b', 'a.b.c'], misses: ['a'] },
    { filter: 'a.*.c.>', matches: ['a.b.c.d', 'a.x.c.d.e'], misses: ['a.b.c', 'a.b.d.e'] },
    { filter: '__proto__.constructor', matches: ['__proto__.constructor'], misses: ['__proto__', 'toString.constructor'] },
  ];

  for (const { filter, matches, misses } of cases) {
    it(`"${filter}" matches ${JSON.stringify(matches)} and not ${JSON.stringify(misses)}`, () => {
      const trie = new SubjectTrie<string>();
      trie.insert(filter, 'sub');
      for (const subject of matches) expect(trie.match(subject)).toEqual(['sub']);
      for (const subject of misses) expect(trie.match(subject)).toEqual([]);
    });
  }

  it('returns every matching value once, across literal, `*` and `>` paths', () => {
    const trie = new SubjectTrie<string>();
    for (const filter of ['a.b.c', 'a.*.c', 'a.>', '*.b.>', '>', 'a.b', 'x.>']) trie.insert(filter, filter);
    expect(trie.match('a.b.c').sort()).toEqual(['*.b.>', '>', 'a.*.c', 'a.>', 'a.b.c'].sort());
  });

  it('keeps one entry when the same value is inserted twice on a subject', () => {
    const trie = new SubjectTrie<string>();
    trie.insert('a.b', 'v');
    trie.insert('a.b', 'v');
    expect(trie.size).toBe(1);
    expect(trie.match('a.b')).toEqual(['v']);
  });

  it('removes only the given value and prunes emptied nodes so churn does not leak', () => {
    const trie = new SubjectTrie<number>();
    const filters = ['a.b.c', 'a.*.c', 'a.>', '*', '>', 'a.b'];
    filters.forEach((f, i) => trie.insert(f, i));
    trie.insert('a.b', 100);
    expect(trie.remove('a.b', 100)).toBe(true);
    expect(trie.remove('a.b', 100)).toBe(false);
    expect(trie.remove('no.such.path', 0)).toBe(false);
    expect(trie.match('a.b').sort()).toEqual([2, 4, 5]);
    filters.forEach((f, i) => expect(trie.remove(f, i)).toBe(true));
    expect(trie.size).toBe(0);
    expect(trie.isEmpty()).toBe(true);
  });
});
