import { InProcessBus, type Bus, type BusHandler, type BusMessage } from '@mqp/bus';
import { encodeMessage, subjects } from '@mqp/contracts';
import type { Message } from '@mqp/model';
import { silentLogger } from '@mqp/runtime';
import type { ClientSubscription, Connection } from './connection';
import { SubscriptionTable } from './subscription-table';

function message(topic: string): Message {
  return { id: `id-${topic}`, topic, payload: Buffer.from('x'), qos: 0, retain: false, origin: { clientId: 'p', gatewayId: 'g' }, createdAt: 0 };
}

describe('SubscriptionTable', () => {
  let bus: InProcessBus;
  let table: SubscriptionTable;
  let deliveries: { topic: string; filters: string[] }[];
  const conn = (name: string): Connection => ({ name }) as unknown as Connection;
  const sub = (c: Connection, filter: string): ClientSubscription => ({ filter, qos: 0, noLocal: false, retainAsPublished: false, connection: c });

  beforeEach(() => {
    bus = new InProcessBus({ logger: silentLogger });
    deliveries = [];
    table = new SubscriptionTable(bus, silentLogger, (m, _h, subs) => deliveries.push({ topic: m.topic, filters: subs.map((s) => s.filter).sort() }));
  });

  afterEach(() => bus.close());

  async function publish(topic: string): Promise<void> {
    bus.publish(subjects.message(topic), encodeMessage(message(topic)));
    await bus.flush();
  }

  it('hands a message that matches several local filters over once, with every matching subscription', async () => {
    const a = conn('a');
    const b = conn('b');
    await table.add(sub(a, 'a/#'));
    await table.add(sub(a, 'a/+'));
    await table.add(sub(b, 'a/b'));
    await publish('a/b');
    expect(deliveries).toEqual([{ topic: 'a/b', filters: ['a/#', 'a/+', 'a/b'] }]);
  });

  it('matches `a/#` against its parent level `a` [MQTT-4.7.1-2]', async () => {
    await table.add(sub(conn('a'), 'a/#'));
    await publish('a');
    expect(deliveries).toEqual([{ topic: 'a', filters: ['a/#'] }]);
  });

  it('does not hand a $ topic to a wildcard-first filter [MQTT-4.7.2-1]', async () => {
    const a = conn('a');
    await table.add(sub(a, '#'));
    await table.add(sub(a, '+/x'));
    await table.add(sub(a, '$SYS/#'));
    await publish('$SYS/x');
    expect(deliveries).toEqual([{ topic: '$SYS/x', filters: ['$SYS/#'] }]);
  });

  it('holds one entry per distinct filter and removes it with its last subscriber', async () => {
    const a = conn('a');
    const b = conn('b');
    await table.add(sub(a, 't'));
    await table.add(sub(b, 't'));
    expect(table.filterCount).toBe(1);
    table.remove(a, 't');
    await publish('t');
    expect(deliveries).toEqual([{ topic: 't', filters: ['t'] }]);
    table.remove(b, 't');
    await bus.flush(); // removal completes after one bus round trip
    expect(table.filterCount).toBe(0);
    await publish('t');
    expect(deliveries).toHaveLength(1);
  });

  it('replaces a connection subscription to the same filter instead of adding a second [MQTT-3.8.4-3]', async () => {
    const a = conn('a');
    await table.add(sub(a, 't'));
    await table.add({ ...sub(a, 't'), qos: 1 });
    await publish('t');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.filters).toEqual(['t']);
  });

  it('delivers a message once when an overlapping filter is added or removed around it', async () => {
    const a = conn('a');
    await table.add(sub(a, 'x/#'));
    // published before the new entry is active: the old entry handles it alone
    bus.publish(subjects.message('x/y'), encodeMessage(message('x/y')));
    const adding = table.add(sub(a, 'x/y'));
    await adding;
    await bus.flush();
    // the older entry leaves: the newer one now handles matches on its own
    table.remove(a, 'x/#');
    await publish('x/y');
    expect(deliveries).toEqual([
      { topic: 'x/y', filters: ['x/#'] },
      { topic: 'x/y', filters: ['x/y'] },
    ]);
  });

  it('keeps client-controlled filters like __proto__ as plain keys', async () => {
    const a = conn('a');
    await table.add(sub(a, '__proto__'));
    await table.add(sub(a, 'constructor/#'));
    await publish('__proto__');
    await publish('constructor/toString');
    expect(deliveries.map((d) => d.topic)).toEqual(['__proto__', 'constructor/toString']);
  });

  it('still delivers a message that deferred to an older filter when that filter is removed before its own copy is processed', async () => {
    // A bus whose deliveries and flush round trips the test releases by hand,
    // to order the two copies of one message around an unsubscribe as NATS may.
    const handlers = new Map<string, BusHandler[]>();
    const pendingFlushes: (() => void)[] = [];
    const manual: Bus = {
      publish: () => undefined,
      subscribe: (subject, handler) => {
        handlers.set(subject, [...(handlers.get(subject) ?? []), handler]);
        return { unsubscribe: () => handlers.set(subject, (handlers.get(subject) ?? []).filter((h) => h !== handler)) };
      },
      flush: () => new Promise<void>((resolve) => pendingFlushes.push(resolve)),
      settle: async () => undefined,
      state: () => 'connected',
      onStateChange: () => undefined,
      close: async () => undefined,
    };
    const releaseFlushes = async (): Promise<void> => {
      pendingFlushes.splice(0).forEach((r) => r());
      await new Promise((r) => setImmediate(r));
    };
    const copyVia = (subject: string, m: Message): void => {
      const msg: BusMessage = { subject, data: encodeMessage(m) };
      for (const h of handlers.get(subject) ?? []) h(msg);
    };
    const got: string[][] = [];
    const manualTable = new SubscriptionTable(manual, silentLogger, (_m, _h, subs) => got.push(subs.map((x) => x.filter).sort()));
    const a = conn('a');
    const b = conn('b');
    const older = manualTable.add(sub(a, 'q/#'));
    await releaseFlushes();
    await older;
    const newer = manualTable.add(sub(b, 'q/x'));
    await releaseFlushes();
    await newer;

    const m = message('q/x');
    copyVia(subjects.messagesFor('q/x')[0]!, m); // arrives via the newer entry first: defers to q/#
    manualTable.remove(a, 'q/#'); // the older entry's last subscriber leaves meanwhile
    copyVia(subjects.messagesFor('q/#')[0]!, m); // its copy was already on the wire
    expect(got).toEqual([['q/x']]);

    await releaseFlushes(); // after the round trip the old entry is gone; the newer one handles alone
    expect(manualTable.filterCount).toBe(1);
    copyVia(subjects.messagesFor('q/x')[0]!, message('q/x'));
    expect(got).toEqual([['q/x'], ['q/x']]);
  });
});
