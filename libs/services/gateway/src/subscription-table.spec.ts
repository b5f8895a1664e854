import { InProcessBus } from '@mqp/bus';
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
});
