import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('answers what was set, and nothing else', () => {
    const memo = new BoundedMemo<string, number>(10);
    memo.set('a/b', 1);
    expect(memo.get('a/b')).toBe(1);
    expect(memo.get('a/c')).toBeUndefined();
  });

  it('never holds more than its limit: past it, it starts over (HOSTILE-INPUTS: maps keyed by client input are bounded)', () => {
    const memo = new BoundedMemo<string, number>(3);
    for (let i = 0; i < 3; i++) memo.set(`t/${i}`, i);
    expect(memo.size).toBe(3);
    memo.set('t/3', 3);
    expect(memo.size).toBe(1);
    expect(memo.get('t/0')).toBeUndefined();
    expect(memo.get('t/3')).toBe(3);
    for (let i = 0; i < 1000; i++) memo.set(`u/${i}`, i);
    expect(memo.size).toBeLessThanOrEqual(3);
  });

  it('replacing a key does not count twice', () => {
    const memo = new BoundedMemo<string, number>(2);
    memo.set('a', 1);
    memo.set('a', 2);
    memo.set('b', 3);
    expect(memo.size).toBe(2);
    expect(memo.get('a')).toBe(2);
  });

  it('clear forgets everything, the answer it gave last too', () => {
    const memo = new BoundedMemo<string, number>(5);
    memo.set('a', 1);
    memo.set('b', 2);
    expect(memo.get('a')).toBe(1);
    memo.clear();
    expect(memo.size).toBe(0);
    expect(memo.get('a')).toBeUndefined();
    expect(memo.get('b')).toBeUndefined();
  });

  it('gives the answer for a key asked again as it stands: replaced, or another key looked up in between', () => {
    const memo = new BoundedMemo<string, number>(5);
    memo.set('a', 1);
    expect(memo.get('a')).toBe(1);
    memo.set('a', 2);
    expect(memo.get('a')).toBe(2);
    memo.set('b', 3);
    expect(memo.get('a')).toBe(2);
    expect(memo.get('b')).toBe(3);
    expect(memo.get('c')).toBeUndefined();
    expect(memo.get('b')).toBe(3);
  });
});
