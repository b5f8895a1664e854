import { AuthorizationCache } from './authorization-cache';

describe('AuthorizationCache', () => {
  it('remembers decisions per topic, including prototype-named topics', () => {
    const cache = new AuthorizationCache(10);
    cache.set('__proto__', true);
    cache.set('constructor', false);
    expect(cache.get('__proto__')).toBe(true);
    expect(cache.get('constructor')).toBe(false);
    expect(cache.get('toString')).toBeUndefined();
  });

  it('stays within its capacity by evicting the oldest decision', () => {
    const cache = new AuthorizationCache(3);
    for (let i = 0; i < 100; i++) cache.set(`t/${i}`, true);
    expect(cache.size).toBe(3);
    expect(cache.get('t/0')).toBeUndefined();
    expect(cache.get('t/99')).toBe(true);
  });

  it('answers a topic asked again as the cache stands: a new decision or an eviction since is seen', () => {
    const cache = new AuthorizationCache(2);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', true);
    expect(cache.get('a')).toBe(true);
    expect(cache.get('a')).toBe(true);
    cache.set('a', false);
    expect(cache.get('a')).toBe(false);
    cache.set('b', true);
    cache.set('c', true); // evicts 'a'
    expect(cache.get('a')).toBeUndefined();
  });
});
