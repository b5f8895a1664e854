import type { Message } from '@mqp/model';
import type { RetainedStore } from '../retained.store';

/**
 * The behaviour every RetainedStore adapter must show. Run it from each
 * adapter's spec: `describeRetainedStoreContract('memory', () => new MemoryRetainedStore())`.
 * The factory may be async (durable adapters open files or connections);
 * `cleanup` releases what it opened.
 */
export function describeRetainedStoreContract(
  name: string,
  factory: () => RetainedStore | Promise<RetainedStore>,
  cleanup?: (store: RetainedStore) => Promise<void> | void,
): void {
  describe(`RetainedStore contract: ${name}`, () => {
    let store: RetainedStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await cleanup?.(store);
    });

    const topicsOf = (messages: Message[]): string[] => messages.map((m) => m.topic).sort();

    async function retain(...topics: string[]): Promise<void> {
      for (const topic of topics) await store.set(retainedMessage(topic));
    }

    it('returns a stored message by topic with its payload and properties intact', async () => {
      const message = retainedMessage('a/b', 'hello');
      message.properties = { contentType: 'text/plain', userProperties: [['k', 'v']] };
      message.expiresAt = 1_900_000_000_000;
      await store.set(message);
      const got = await store.get('a/b');
      expect(got?.payload.toString()).toBe('hello');
      expect(got?.properties).toEqual({ contentType: 'text/plain', userProperties: [['k', 'v']] });
      expect(got?.expiresAt).toBe(1_900_000_000_000);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.get('a/b/c')).toBeUndefined();
    });

    it('keeps one message per topic: a new one replaces the old [MQTT-3.3.1-5]', async () => {
      await store.set(retainedMessage('t', 'first'));
      await store.set(retainedMessage('t', 'second'));
      expect((await store.get('t'))?.payload.toString()).toBe('second');
      expect(await store.count()).toBe(1);
    });

    it('deletes a topic without touching its neighbours', async () => {
      await retain('a', 'a/b', 'a/b/c');
      await store.delete('a/b');
      expect(await store.get('a/b')).toBeUndefined();
      expect(topicsOf(await store.match('#'))).toEqual(['a', 'a/b/c']);
      expect(await store.count()).toBe(2);
      await store.delete('does/not/exist');
      expect(await store.count()).toBe(2);
    });

    it('counts stored topics', async () => {
      expect(await store.count()).toBe(0);
      await retain('a', 'b', 'c/d');
      expect(await store.count()).toBe(3);
    });

    it('matches exact, + and # filters', async () => {
      await retain('a', 'a/b', 'a/c', 'a/b/c', 'b/b', 'a//b');
      expect(topicsOf(await store.match('a/b'))).toEqual(['a/b']);
      expect(topicsOf(await store.match('a/+'))).toEqual(['a/b', 'a/c']);
      expect(topicsOf(await store.match('+/b'))).toEqual(['a/b', 'b/b']);
      expect(topicsOf(await store.match('a/+/b'))).toEqual(['a//b']);
      expect(topicsOf(await store.match('a/b/#'))).toEqual(['a/b', 'a/b/c']);
      expect(topicsOf(await store.match('#'))).toEqual(['a', 'a//b', 'a/b', 'a/b/c', 'a/c', 'b/b']);
      expect(topicsOf(await store.match('x/#'))).toEqual([]);
    });

    it("'#' matches the parent level: a/# matches a [MQTT-4.7.1-2]", async () => {
      await retain('a', 'ab');
      expect(topicsOf(await store.match('a/#'))).toEqual(['a']);
    });

    it('treats empty levels as levels', async () => {
      await retain('/a', 'a/', '/');
      expect(topicsOf(await store.match('+/a'))).toEqual(['/a']);
      expect(topicsOf(await store.match('a/+'))).toEqual(['a/']);
      expect(topicsOf(await store.match('+/+'))).toEqual(['/', '/a', 'a/']);
      expect(topicsOf(await store.match('/#'))).toEqual(['/', '/a']);
    });

    it("wildcards at the first level do not match topics starting with '$' [MQTT-4.7.2-1]", async () => {
      await retain('$SYS/broker/uptime', '$other', 'plain/x');
      expect(topicsOf(await store.match('#'))).toEqual(['plain/x']);
      expect(topicsOf(await store.match('+/broker/uptime'))).toEqual([]);
      expect(topicsOf(await store.match('+'))).toEqual([]);
      expect(topicsOf(await store.match('$SYS/#'))).toEqual(['$SYS/broker/uptime']);
      expect(topicsOf(await store.match('$SYS/+/uptime'))).toEqual(['$SYS/broker/uptime']);
      expect(topicsOf(await store.match('$other'))).toEqual(['$other']);
    });

    it('stores and matches topics up to the 65,535-byte maximum, under literal, + and # filters [MQTT-1.5.4-1] [CVE-2019-11779]', async () => {
      const long = 'x'.repeat(65_535);
      const deep = `${'y'.repeat(3_000)}/z`;
      await retain(long, deep, 'short');
      expect((await store.get(long))?.topic).toBe(long);
      expect(topicsOf(await store.match(long))).toEqual([long]);
      expect(topicsOf(await store.match(`${'y'.repeat(3_000)}/+`))).toEqual([deep]);
      expect(topicsOf(await store.match(`${'y'.repeat(3_000)}/#`))).toEqual([deep]);
      expect(topicsOf(await store.match(`${'y'.repeat(3_000)}/z/#`))).toEqual([deep]);
      expect(topicsOf(await store.match('+'))).toEqual([long, 'short'].sort());
      expect(topicsOf(await store.match('x'.repeat(65_534)))).toEqual([]);
      await store.delete(long);
      expect(await store.get(long)).toBeUndefined();
      expect(await store.count()).toBe(2);
    });

    it('handles topics named like Object.prototype members', async () => {
      await retain('__proto__', 'constructor/toString', 'hasOwnProperty');
      expect(topicsOf(await store.match('#'))).toEqual(['__proto__', 'constructor/toString', 'hasOwnProperty']);
      expect(topicsOf(await store.match('constructor/+'))).toEqual(['constructor/toString']);
      expect(await store.get('toString')).toBeUndefined();
      expect((await store.get('__proto__'))?.topic).toBe('__proto__');
    });
  });
}

export function retainedMessage(topic: string, payload = 'x'): Message {
  return {
    id: `id-${topic}`,
    topic,
    payload: Buffer.from(payload),
    qos: 1,
    retain: true,
    origin: { clientId: 'publisher', gatewayId: 'gw-1' },
    createdAt: 1_700_000_000_000,
  };
}
