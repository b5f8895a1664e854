import { ServiceUnavailableError } from '@mqp/model';
import { createLogger, silentLogger } from '@mqp/runtime';
import type { BusMessage } from './bus.port';
import { InProcessBus } from './in-process.bus';
import { describeBusContract } from './testing';

describeBusContract('in-process', async () => {
  const bus = new InProcessBus({ logger: silentLogger });
  return { bus, cleanup: () => bus.close() };
});

describe('InProcessBus', () => {
  const data = new Uint8Array([1]);

  it('logs a throwing handler with its subject instead of failing', async () => {
    const lines: string[] = [];
    const bus = new InProcessBus({ logger: createLogger({ level: 'debug', sink: (l) => lines.push(l) }) });
    bus.subscribe('a.b', () => {
      throw new Error('boom');
    });
    bus.publish('a.b', data);
    await bus.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR .*bus handler threw.*subject=a\.b.*error=boom/);
    await bus.close();
  });

  it('drops messages already queued for a subscription unsubscribed before delivery', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const seen: BusMessage[] = [];
    const sub = bus.subscribe('a', (m) => seen.push(m));
    bus.publish('a', data);
    bus.publish('a', data);
    sub.unsubscribe();
    await bus.flush();
    expect(seen).toHaveLength(0);
    await bus.close();
  });

  it('spreads a queue group round-robin over its members in subscription order', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const order: string[] = [];
    for (const name of ['m1', 'm2', 'm3']) bus.subscribe('jobs.*', () => order.push(name), { queue: 'g' });
    for (let i = 0; i < 6; i++) bus.publish(`jobs.${i}`, data);
    await bus.flush();
    expect(order).toEqual(['m1', 'm2', 'm3', 'm1', 'm2', 'm3']);
    await bus.close();
  });

  it('treats members of one queue group on different subjects as one group', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    let count = 0;
    bus.subscribe('a.b', () => count++, { queue: 'g' });
    bus.subscribe('a.*', () => count++, { queue: 'g' });
    bus.publish('a.b', data);
    await bus.flush();
    expect(count).toBe(1);
    await bus.close();
  });

  it('flush() waits only for what was published before it, also when handlers publish more', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const seen: string[] = [];
    bus.subscribe('ping', () => {
      seen.push('ping');
      bus.publish('pong', data);
    });
    bus.subscribe('pong', () => seen.push('pong'));
    bus.publish('ping', data);
    await bus.flush();
    expect(seen).toEqual(['ping', 'pong']);
    await bus.close();
  });

  it('lets timers and I/O run during a long burst instead of delivering it in one turn', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    let delivered = 0;
    let deliveredWhenImmediateRan = -1;
    bus.subscribe('burst', () => delivered++);
    for (let i = 0; i < 20_000; i++) bus.publish('burst', data);
    setImmediate(() => (deliveredWhenImmediateRan = delivered));
    await bus.flush();
    expect(delivered).toBe(20_000);
    expect(deliveredWhenImmediateRan).toBeGreaterThan(0);
    expect(deliveredWhenImmediateRan).toBeLessThan(20_000);
    await bus.close();
  });

  it('keeps match results correct when subscriptions change between publishes to one subject', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const seen: string[] = [];
    bus.publish('x.y', data); // caches an empty match for x.y
    const s1 = bus.subscribe('x.*', () => seen.push('s1'));
    bus.publish('x.y', data);
    s1.unsubscribe();
    bus.subscribe('x.>', () => seen.push('s2'));
    bus.publish('x.y', data);
    await bus.flush();
    expect(seen).toEqual(['s2']);
    await bus.close();
  });

  it('delivers what was published before close(), then refuses publish and subscribe', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    let count = 0;
    bus.subscribe('a', () => count++);
    bus.publish('a', data);
    await bus.close();
    expect(count).toBe(1);
    expect(() => bus.publish('a', data)).toThrow(ServiceUnavailableError);
    expect(() => bus.subscribe('a', () => undefined)).toThrow(ServiceUnavailableError);
  });

  it('settle() waits for the work a handler returned (a capture being stored), flush() does not', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    let release!: () => void;
    let stored = false;
    bus.subscribe('capture', () => new Promise<void>((r) => (release = r)).then(() => void (stored = true)));
    bus.publish('capture', data);
    await bus.flush();
    let settled = false;
    const settling = bus.settle().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await settling;
    expect(stored).toBe(true);
    await bus.close();
  });

  it('settle() rejects when the work of a handler fails (nothing is acknowledged that was not kept), and logs it', async () => {
    const lines: string[] = [];
    const bus = new InProcessBus({ logger: createLogger({ level: 'debug', sink: (l) => lines.push(l) }) });
    bus.subscribe('capture', () => Promise.reject(new Error('disk full')));
    bus.publish('capture', data);
    await expect(bus.settle()).rejects.toThrow('disk full');
    expect(lines.join('\n')).toMatch(/bus handler work failed.*disk full/);
    await bus.close();
  });

  it('settle() waits only for work started before it, so a steady stream of new work cannot starve it', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const pending: (() => void)[] = [];
    bus.subscribe('capture', () => new Promise<void>((r) => pending.push(r)));
    bus.publish('capture', data);
    const settling = bus.settle();
    await bus.flush();
    bus.publish('capture', data); // later work, never finished in this test
    await bus.flush();
    pending[0]!();
    await settling;
    expect(pending).toHaveLength(2);
    await bus.close();
  });

  it('hands subscribers a lazy payload itself and encodes it only when one reads its bytes, once', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    let encodings = 0;
    const payload = { value: { n: 1 }, encode: (v: { n: number }) => (encodings++, new Uint8Array([v.n])) };
    const seen: BusMessage[] = [];
    bus.subscribe('lazy', (m) => seen.push(m));
    bus.subscribe('lazy', (m) => seen.push(m));
    bus.publish('lazy', payload);
    await bus.flush();
    expect(seen.map((m) => m.local)).toEqual([payload, payload]);
    expect(encodings).toBe(0);
    expect(Array.from(seen[0]!.data)).toEqual([1]);
    expect(seen[1]!.data).toBe(seen[0]!.data);
    expect(encodings).toBe(1);
    await bus.close();
  });

  it('gives a message published as bytes no local payload', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    let got: BusMessage | undefined;
    bus.subscribe('b', (m) => (got = m));
    bus.publish('b', data);
    await bus.flush();
    expect(got?.data).toBe(data);
    expect(got?.local).toBeUndefined();
    await bus.close();
  });

  it('passes the header record through', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const headers = { traceparent: 'x' };
    let got: BusMessage | undefined;
    bus.subscribe('h', (m) => (got = m));
    bus.publish('h', data, headers);
    await bus.flush();
    expect(got?.headers).toBe(headers);
    await bus.close();
  });
});
