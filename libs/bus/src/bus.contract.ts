import { InvalidArgumentError } from '@mqp/model';
import type { Bus, BusHandler, BusMessage, InPlacePayload } from './bus.port';

export interface BusUnderTest {
  bus: Bus;
  /** Another connection to the same bus (another process, in production); omitted when there is only one. */
  second?: Bus;
  cleanup(): Promise<void>;
}

/**
 * The one behaviour every Bus implementation must show (aedes'
 * `abstract.js` persistence suite is the model). Run by
 * in-process.bus.spec.ts and nats.bus.int.spec.ts.
 *
 * Proving that something was NOT delivered uses a sentinel: messages from
 * one publisher reach one subscriber connection in publish order on both
 * implementations, so once a sentinel published last has arrived, anything
 * published before it has arrived too.
 */
export function describeBusContract(name: string, factory: () => Promise<BusUnderTest>): void {
  describe(`Bus contract: ${name}`, () => {
    let under: BusUnderTest;
    let bus: Bus;
    let second: Bus;
    let prefix: string;
    let runs = 0;

    beforeEach(async () => {
      under = await factory();
      bus = under.bus;
      second = under.second ?? under.bus;
      // A fresh subject space per test, in case the bus is shared.
      prefix = `contract.${process.pid}.${++runs}.${Date.now()}`;
    });

    afterEach(async () => {
      await under.cleanup();
    });

    /** Publishes a sentinel on `${prefix}.sentinel` and resolves once `bus` has received it. */
    async function sentinel(on: Bus = bus, from: Bus = bus): Promise<void> {
      const got = collector();
      const sub = on.subscribe(`${prefix}.sentinel`, got.handler);
      await on.flush();
      from.publish(`${prefix}.sentinel`, bytes('end'));
      await got.count(1);
      sub.unsubscribe();
    }

    it('delivers a message to a subscription on its exact subject, not to other subjects', async () => {
      const exact = collector();
      const other = collector();
      bus.subscribe(`${prefix}.a.b`, exact.handler);
      bus.subscribe(`${prefix}.a.c`, other.handler);
      bus.publish(`${prefix}.a.b`, bytes('hello'));
      const [message] = await exact.count(1);
      expect(message?.subject).toBe(`${prefix}.a.b`);
      expect(text(message?.data)).toBe('hello');
      await sentinel();
      expect(exact.messages).toHaveLength(1);
      expect(other.messages).toHaveLength(0);
    });

    it('`*` matches exactly one token', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.a.*`, got.handler);
      bus.publish(`${prefix}.a`, bytes('too short'));
      bus.publish(`${prefix}.a.b`, bytes('one'));
      bus.publish(`${prefix}.a.b.c`, bytes('too long'));
      bus.publish(`${prefix}.x.b`, bytes('other parent'));
      bus.publish(`${prefix}.a.c`, bytes('two'));
      await got.count(2);
      await sentinel();
      expect(got.messages.map((m) => text(m.data))).toEqual(['one', 'two']);
    });

    it('`*` in the middle of a subject matches one token there', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.*.b`, got.handler);
      bus.publish(`${prefix}.a.b`, bytes('yes'));
      bus.publish(`${prefix}.a.c`, bytes('no'));
      bus.publish(`${prefix}.a.x.b`, bytes('no'));
      await got.count(1);
      await sentinel();
      expect(got.messages.map((m) => m.subject)).toEqual([`${prefix}.a.b`]);
    });

    it('`>` matches one or more trailing tokens, never zero', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.a.>`, got.handler);
      bus.publish(`${prefix}.a`, bytes('zero tokens'));
      bus.publish(`${prefix}.a.b`, bytes('one'));
      bus.publish(`${prefix}.a.b.c.d`, bytes('three'));
      bus.publish(`${prefix}.b.c`, bytes('other parent'));
      await got.count(2);
      await sentinel();
      expect(got.messages.map((m) => text(m.data))).toEqual(['one', 'three']);
    });

    it('a message matching several subscriptions reaches each of them once', async () => {
      const exact = collector();
      const star = collector();
      const tail = collector();
      bus.subscribe(`${prefix}.m.a.b`, exact.handler);
      bus.subscribe(`${prefix}.m.*.b`, star.handler);
      bus.subscribe(`${prefix}.m.>`, tail.handler);
      bus.publish(`${prefix}.m.a.b`, bytes('x'));
      await Promise.all([exact.count(1), star.count(1), tail.count(1)]);
      await sentinel();
      expect([exact.messages.length, star.messages.length, tail.messages.length]).toEqual([1, 1, 1]);
    });

    it('refuses invalid subjects: empty tokens, whitespace, `>` not last, wildcards in a publish', () => {
      for (const subject of ['', 'a..b', '.a', 'a.', 'a b', 'a.\tb', 'a.>.b']) {
        expect(() => bus.subscribe(subject, () => undefined)).toThrow(InvalidArgumentError);
      }
      for (const subject of ['', 'a..b', 'a b', 'a.*', 'a.>', '>']) {
        expect(() => bus.publish(subject, bytes('x'))).toThrow(InvalidArgumentError);
      }
      expect(() => bus.subscribe(`${prefix}.a`, () => undefined, { queue: 'has space' })).toThrow(InvalidArgumentError);
    });

    it('delivers nothing after unsubscribe', async () => {
      const got = collector();
      const sub = bus.subscribe(`${prefix}.a`, got.handler);
      bus.publish(`${prefix}.a`, bytes('before'));
      await got.count(1);
      sub.unsubscribe();
      sub.unsubscribe(); // twice is harmless
      bus.publish(`${prefix}.a`, bytes('after'));
      await sentinel();
      expect(got.messages.map((m) => text(m.data))).toEqual(['before']);
    });

    it('unsubscribing inside a handler stops the messages already on their way', async () => {
      const seen: string[] = [];
      const sub = bus.subscribe(`${prefix}.a`, (m) => {
        seen.push(text(m.data));
        sub.unsubscribe();
      });
      await bus.flush();
      for (let i = 0; i < 20; i++) bus.publish(`${prefix}.a`, bytes(String(i)));
      await sentinel();
      expect(seen).toEqual(['0']);
    });

    it('a subscription made after a publish does not receive that message', async () => {
      const got = collector();
      bus.publish(`${prefix}.a`, bytes('earlier'));
      bus.subscribe(`${prefix}.a`, got.handler);
      bus.publish(`${prefix}.a`, bytes('later'));
      await got.count(1);
      await sentinel();
      expect(got.messages.map((m) => text(m.data))).toEqual(['later']);
    });

    it('delivers 1,000 messages on one subject in publish order', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.seq`, got.handler);
      await bus.flush();
      for (let i = 0; i < 1000; i++) second.publish(`${prefix}.seq`, bytes(String(i)));
      const messages = await got.count(1000);
      expect(messages.map((m) => Number(text(m.data)))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });

    it('carries headers, including a W3C traceparent, unchanged', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.h`, got.handler);
      await bus.flush();
      const headers = {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-mqp-message-id': 'm-123',
        'X-Mixed-Case': 'Value with spaces',
      };
      second.publish(`${prefix}.h`, bytes('with headers'), headers);
      second.publish(`${prefix}.h`, bytes('without'));
      const [withHeaders, without] = await got.count(2);
      expect({ ...withHeaders?.headers }).toEqual(headers);
      expect(without?.headers).toBeUndefined();
    });

    it('carries binary payloads byte for byte, including all 256 byte values and the empty payload', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.bin`, got.handler);
      await bus.flush();
      const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      second.publish(`${prefix}.bin`, all);
      second.publish(`${prefix}.bin`, new Uint8Array(0));
      const [full, empty] = await got.count(2);
      expect(full?.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(full?.data ?? [])).toEqual(Array.from(all));
      expect(empty?.data.length).toBe(0);
    });

    it('a lazy payload arrives as the bytes its encoder makes, with its headers, on every subscription', async () => {
      const one = collector();
      const two = collector();
      bus.subscribe(`${prefix}.lazy`, one.handler);
      bus.subscribe(`${prefix}.>`, two.handler);
      await bus.flush();
      second.publish(`${prefix}.lazy`, { value: 'payload', encode: (value: string) => bytes(`encoded ${value}`) }, { h: '1' });
      const [[a], [b]] = await Promise.all([one.count(1), two.count(1)]);
      for (const m of [a, b]) {
        expect(text(m?.data)).toBe('encoded payload');
        expect(m?.headers).toEqual({ h: '1' });
      }
    });

    it('a lazy payload that can write itself in place arrives as its bytes, alone and within a burst of plain ones, in order', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.inplace`, got.handler);
      await bus.flush();
      second.publish(`${prefix}.inplace`, inPlacePayload('alone'));
      await second.flush();
      await got.count(1);
      for (const p of [bytes('a'), inPlacePayload('b'), inPlacePayload(''), bytes('c'), inPlacePayload('d')]) second.publish(`${prefix}.inplace`, p);
      expect((await got.count(6)).map((m) => text(m?.data))).toEqual(['alone', 'a', 'b', '', 'c', 'd']);
    });

    it('a queue group gets each message exactly once while a plain subscription gets them all', async () => {
      const group = collector();
      const perMember = [0, 0];
      const plain = collector();
      bus.subscribe(`${prefix}.q`, (m) => (perMember[0]!++, group.handler(m)), { queue: 'workers' });
      second.subscribe(`${prefix}.q`, (m) => (perMember[1]!++, group.handler(m)), { queue: 'workers' });
      bus.subscribe(`${prefix}.q`, plain.handler);
      await Promise.all([bus.flush(), second.flush()]);
      // one publish per event-loop turn: NatsBus sends a turn's publishes to one subject as one run, which one member gets
      for (let i = 0; i < 100; i++) {
        bus.publish(`${prefix}.q`, bytes(String(i)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all([plain.count(100), group.count(100)]);
      await Promise.all([sentinel(bus, bus), sentinel(second, bus)]);
      const delivered = group.messages.map((m) => Number(text(m.data)));
      expect(delivered.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // Both members share the load (a random split leaves one idle with probability 2^-99).
      expect(perMember[0]).toBeGreaterThan(0);
      expect(perMember[1]).toBeGreaterThan(0);
    });

    it('a queue group gets each of a burst of messages exactly once, in order when one member got them', async () => {
      const group = collector();
      bus.subscribe(`${prefix}.burst`, group.handler, { queue: 'workers' });
      second.subscribe(`${prefix}.burst`, group.handler, { queue: 'workers' });
      await Promise.all([bus.flush(), second.flush()]);
      for (let i = 0; i < 100; i++) bus.publish(`${prefix}.burst`, bytes(String(i)));
      await group.count(100);
      await Promise.all([sentinel(bus, bus), sentinel(second, bus)]);
      expect(group.messages.map((m) => Number(text(m.data))).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it('queue groups with different names each get every message once', async () => {
      const g1 = collector();
      const g2 = collector();
      bus.subscribe(`${prefix}.q`, g1.handler, { queue: 'g1' });
      bus.subscribe(`${prefix}.q`, g1.handler, { queue: 'g1' });
      bus.subscribe(`${prefix}.q`, g2.handler, { queue: 'g2' });
      for (let i = 0; i < 10; i++) bus.publish(`${prefix}.q`, bytes(String(i)));
      await Promise.all([g1.count(10), g2.count(10)]);
      await sentinel();
      expect(g1.messages).toHaveLength(10);
      expect(g2.messages).toHaveLength(10);
    });

    it('a second connection sees messages published on the first, and the first sees the second', async () => {
      const onSecond = collector();
      const onFirst = collector();
      second.subscribe(`${prefix}.x`, onSecond.handler);
      bus.subscribe(`${prefix}.y`, onFirst.handler);
      await Promise.all([bus.flush(), second.flush()]);
      bus.publish(`${prefix}.x`, bytes('to second'));
      second.publish(`${prefix}.y`, bytes('to first'));
      const [[toSecond], [toFirst]] = await Promise.all([onSecond.count(1), onFirst.count(1)]);
      expect(text(toSecond?.data)).toBe('to second');
      expect(text(toFirst?.data)).toBe('to first');
    });

    it('a handler that throws does not stop delivery to it or to other subscriptions', async () => {
      const thrower: string[] = [];
      const other = collector();
      bus.subscribe(`${prefix}.t`, (m) => {
        thrower.push(text(m.data));
        throw new Error('handler failure on purpose');
      });
      bus.subscribe(`${prefix}.t`, other.handler);
      for (let i = 0; i < 3; i++) bus.publish(`${prefix}.t`, bytes(String(i)));
      await other.count(3);
      await sentinel();
      expect(thrower).toEqual(['0', '1', '2']);
    });

    it('after flush() resolves, messages it published to its own subscriptions have been handled', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.f`, got.handler);
      for (let i = 0; i < 10; i++) bus.publish(`${prefix}.f`, bytes(String(i)));
      await bus.flush();
      expect(got.messages).toHaveLength(10);
    });

    it('settle() resolves for every caller of a burst, and what each published before it then arrives', async () => {
      const got = collector();
      second.subscribe(`${prefix}.settle`, got.handler);
      await second.flush();
      const settles: Promise<void>[] = [];
      for (let i = 0; i < 50; i++) {
        bus.publish(`${prefix}.settle`, bytes(String(i)));
        settles.push(bus.settle());
      }
      await Promise.all(settles);
      expect((await got.count(50)).map((m) => text(m.data))).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    });

    it('publish returns before handlers run', async () => {
      const got = collector();
      bus.subscribe(`${prefix}.async`, got.handler);
      await bus.flush();
      bus.publish(`${prefix}.async`, bytes('x'));
      expect(got.messages).toHaveLength(0);
      await got.count(1);
    });

    it('is connected while open and reports closed after close()', async () => {
      expect(bus.state()).toBe('connected');
      const states: string[] = [];
      bus.onStateChange((s) => states.push(s));
      await bus.close();
      expect(bus.state()).toBe('closed');
      expect(states).toEqual(['closed']);
      await bus.close(); // twice is harmless
    });
  });
}

function bytes(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function text(data: Uint8Array | undefined): string {
  return new TextDecoder().decode(data);
}

interface Collector {
  readonly messages: BusMessage[];
  readonly handler: BusHandler;
  /** Resolves with the first `n` messages once that many have arrived. */
  count(n: number): Promise<BusMessage[]>;
}

function collector(): Collector {
  const messages: BusMessage[] = [];
  let waiters: { n: number; resolve: (m: BusMessage[]) => void }[] = [];
  return {
    messages,
    handler: (message) => {
      messages.push(message);
      waiters = waiters.filter((w) => {
        if (messages.length < w.n) return true;
        w.resolve(messages.slice(0, w.n));
        return false;
      });
    },
    count(n) {
      if (messages.length >= n) return Promise.resolve(messages.slice(0, n));
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/** A lazy payload that can also measure itself and write itself into a buffer it is given (LazyPayload.encodeInto). */
export function inPlacePayload(value: string, calls: { encode: number; encodeInto: number } = { encode: 0, encodeInto: 0 }): InPlacePayload<string> {
  return {
    value,
    encode: (v) => (calls.encode++, bytes(v)),
    encodedLength: () => bytes(value).length,
    encodeInto: (out, at) => (calls.encodeInto++, out.set(bytes(value), at), at + bytes(value).length),
  };
}
