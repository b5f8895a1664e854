import { MemoryRetainedStore } from './memory-retained.store';
import { describeRetainedStoreContract, retainedMessage } from './testing/retained-store.contract';

describeRetainedStoreContract('memory', () => new MemoryRetainedStore());

describe('MemoryRetainedStore index', () => {
  it('answers a narrow filter over 100,000 retained topics with exactly its matches', async () => {
    const store = new MemoryRetainedStore();
    // 100 × 1,000 topics under other branches, plus a few under a/b.
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 1000; j++) await store.set(retainedMessage(`dev/${i}/sensor/${j}`));
    }
    await store.set(retainedMessage('a/b/1'));
    await store.set(retainedMessage('a/b/2'));
    await store.set(retainedMessage('a/b/3/deeper'));
    await store.set(retainedMessage('a/c/1'));
    expect(await store.count()).toBe(100_004);
    expect((await store.match('a/b/+')).map((m) => m.topic).sort()).toEqual(['a/b/1', 'a/b/2']);
    expect((await store.match('dev/7/sensor/+')).length).toBe(1000);
    expect((await store.match('dev/+/sensor/42')).length).toBe(100);
  });

  it('prunes emptied branches so a deleted topic no longer matches any wildcard', async () => {
    const store = new MemoryRetainedStore();
    await store.set(retainedMessage('a/b/c'));
    await store.delete('a/b/c');
    expect(await store.match('#')).toEqual([]);
    expect(await store.match('a/+/+')).toEqual([]);
    await store.set(retainedMessage('a/b'));
    expect((await store.match('a/#')).map((m) => m.topic)).toEqual(['a/b']);
  });
});
