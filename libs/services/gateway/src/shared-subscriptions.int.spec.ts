import { InProcessBus } from '@mqp/bus';
import { silentLogger } from '@mqp/runtime';
import type { MqttClient } from 'mqtt';
import type { IDisconnectPacket, IPublishPacket, ISubackPacket, Packet } from 'mqtt-packet';
import { closeClient, connectClient, RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

/** Messages a client receives, with a way to wait for a count. */
class Inbox {
  readonly payloads: string[] = [];
  private waiter: { count: number; resolve: () => void } | undefined;
  constructor(client: MqttClient) {
    client.on('message', (_topic, payload) => {
      this.payloads.push(payload.toString());
      if (this.waiter && this.payloads.length >= this.waiter.count) this.waiter.resolve();
    });
  }
  waitFor(count: number): Promise<string[]> {
    if (this.payloads.length >= count) return Promise.resolve(this.payloads);
    return new Promise((resolve) => (this.waiter = { count, resolve: () => resolve(this.payloads) }));
  }
}

/** Reads `count` PUBLISH packets from a raw client (ignoring nothing else: the test expects only PUBLISH). */
async function rawPublishes(raw: RawClient, count: number): Promise<IPublishPacket[]> {
  const out: IPublishPacket[] = [];
  while (out.length < count) {
    const p = await raw.next();
    if (p === undefined) throw new Error('closed');
    if (p.cmd === 'publish') out.push(p);
  }
  return out;
}

async function rawSubscribe(raw: RawClient, topic: string, options: { qos?: 0 | 1; nl?: boolean } = {}): Promise<Packet | undefined> {
  raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: options.qos ?? 1, nl: options.nl ?? false, rap: false, rh: 0 }] } as Packet);
  return raw.next();
}

describe('shared subscriptions (MQTT 5.0 §4.8.2)', () => {
  const gateways: TestGateway[] = [];
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];

  afterEach(async () => {
    for (const r of raws.splice(0)) r.destroy();
    await Promise.all(clients.splice(0).map(closeClient));
    for (const g of gateways.splice(0)) await g.stop();
  });

  async function gateway(id = 'gw-test', bus?: InProcessBus): Promise<TestGateway> {
    const g = await startTestGateway({ id }, bus);
    gateways.push(g);
    return g;
  }

  async function client(g: TestGateway, clientId: string, protocolVersion: 4 | 5 = 5): Promise<MqttClient> {
    const c = await connectClient(g, { clientId, protocolVersion });
    clients.push(c);
    return c;
  }

  async function raw(g: TestGateway, clientId: string): Promise<RawClient> {
    const r = await RawClient.connected(g.port, 5, { clientId });
    raws.push(r);
    return r;
  }

  it('advertises Shared Subscription Available 1 in CONNACK', async () => {
    const g = await gateway();
    const r = await RawClient.open(g.port, 5);
    raws.push(r);
    r.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'c', clean: true, keepalive: 0 } as Packet);
    const connack = await r.next();
    expect(connack?.cmd === 'connack' && connack.properties?.sharedSubscriptionAvailable).toBe(true);
  });

  it('gives each message of $share/g/t to one member, round robin over the members of a gateway', async () => {
    const g = await gateway();
    const a = await client(g, 'a');
    const b = await client(g, 'b');
    const inA = new Inbox(a);
    const inB = new Inbox(b);
    await a.subscribeAsync('$share/g/jobs/+', { qos: 1 });
    await b.subscribeAsync('$share/g/jobs/+', { qos: 1 });
    const pub = await client(g, 'pub');
    for (let i = 0; i < 10; i++) await pub.publishAsync('jobs/x', `m${i}`, { qos: 1 });
    await Promise.all([inA.waitFor(5), inB.waitFor(5)]);
    expect([...inA.payloads, ...inB.payloads].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    expect(inA.payloads).toEqual(['m0', 'm2', 'm4', 'm6', 'm8']);
  });

  it('treats $queue/t as a shared subscription of its own group, also for MQTT 3.1.1 clients', async () => {
    const g = await gateway();
    const a = await client(g, 'a', 4);
    const b = await client(g, 'b', 4);
    const inA = new Inbox(a);
    const inB = new Inbox(b);
    await a.subscribeAsync('$queue/q', { qos: 0 });
    await b.subscribeAsync('$queue/q', { qos: 0 });
    const pub = await client(g, 'pub');
    for (let i = 0; i < 4; i++) await pub.publishAsync('q', `m${i}`, { qos: 1 });
    await Promise.all([inA.waitFor(2), inB.waitFor(2)]);
    expect(inA.payloads.length + inB.payloads.length).toBe(4);
  });

  it('load-balances across two gateways on one bus: every message to exactly one member', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    try {
      const g1 = await gateway('gw-a', bus);
      const g2 = await gateway('gw-b', bus);
      const a = await client(g1, 'a');
      const b = await client(g2, 'b');
      const inA = new Inbox(a);
      const inB = new Inbox(b);
      await a.subscribeAsync('$share/workers/tasks', { qos: 1 });
      await b.subscribeAsync('$share/workers/tasks', { qos: 1 });
      const pub = await client(g1, 'pub');
      for (let i = 0; i < 100; i++) await pub.publishAsync('tasks', `${i}`, { qos: 1 });
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (inA.payloads.length + inB.payloads.length >= 100) resolve();
          else setImmediate(check);
        };
        check();
      });
      expect(inA.payloads.length).toBeGreaterThan(0);
      expect(inB.payloads.length).toBeGreaterThan(0);
      expect(new Set([...inA.payloads, ...inB.payloads]).size).toBe(100);
      expect(inA.payloads.length + inB.payloads.length).toBe(100);
    } finally {
      for (const g of gateways.splice(0)) await g.stop();
      await bus.close();
    }
  });

  it('keeps delivering through $share/g/t after the same client unsubscribes t, and delivers once per subscription [CVE-2024-8376]', async () => {
    const g = await gateway();
    const c = await client(g, 'c');
    const inbox = new Inbox(c);
    await c.subscribeAsync(['$share/g/t', 't'], { qos: 1 });
    const pub = await client(g, 'pub');
    await pub.publishAsync('t', 'both', { qos: 1 });
    expect(await inbox.waitFor(2)).toEqual(['both', 'both']);
    await c.unsubscribeAsync('t');
    await pub.publishAsync('t', 'shared only', { qos: 1 });
    expect(await inbox.waitFor(3)).toEqual(['both', 'both', 'shared only']);
  });

  it.each(['$share//a', '$share/g', '$share/+/a', '$share/g#/a', '$share/g/a/#/b'])('refuses %j with SUBACK 0x8F and stays connected', async (filter) => {
    const g = await gateway();
    const r = await raw(g, 'r');
    const suback = (await rawSubscribe(r, filter)) as ISubackPacket;
    expect(suback.cmd).toBe('suback');
    expect(suback.granted).toEqual([0x8f]);
    r.send({ cmd: 'pingreq' });
    expect((await r.next())?.cmd).toBe('pingresp');
  });

  it('closes with DISCONNECT 0x82 when No Local is set on a shared subscription [MQTT-3.8.3-4]', async () => {
    const g = await gateway();
    const r = await raw(g, 'r');
    const answer = (await rawSubscribe(r, '$share/g/a', { nl: true })) as IDisconnectPacket;
    expect(answer.cmd).toBe('disconnect');
    expect(answer.reasonCode).toBe(0x82);
    await r.closed;
  });

  it('sends no retained messages for a new shared subscription (MQTT 5.0 §4.8.2)', async () => {
    const g = await gateway();
    const pub = await client(g, 'pub');
    await pub.publishAsync('r/1', 'kept', { qos: 1, retain: true });
    const c = await client(g, 'c');
    const inbox = new Inbox(c);
    await c.subscribeAsync(['$share/g/r/#', 'end'], { qos: 1 });
    await pub.publishAsync('end', 'marker', { qos: 1 });
    expect(await inbox.waitFor(1)).toEqual(['marker']);
  });

  it('re-dispatches the unacknowledged QoS 1 messages of a member that disconnects to another local member', async () => {
    const g = await gateway();
    const silent = await raw(g, 'silent'); // never acknowledges
    await rawSubscribe(silent, '$share/g/work');
    const b = await client(g, 'b');
    const inB = new Inbox(b);
    await b.subscribeAsync('$share/g/work', { qos: 1 });
    const pub = await client(g, 'pub');
    for (let i = 0; i < 4; i++) await pub.publishAsync('work', `m${i}`, { qos: 1 });
    const toSilent = await rawPublishes(silent, 2);
    expect(toSilent.map((p) => p.payload.toString())).toEqual(['m0', 'm2']);
    expect(await inB.waitFor(2)).toEqual(['m1', 'm3']);
    silent.destroy();
    expect((await inB.waitFor(4)).slice().sort()).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('hands unacknowledged QoS 1 messages back to the group on the bus when the last local member leaves', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    try {
      const g1 = await gateway('gw-a', bus);
      const g2 = await gateway('gw-b', bus);
      const silent = await raw(g1, 'silent');
      await rawSubscribe(silent, '$share/g/work');
      const b = await client(g2, 'b');
      const inB = new Inbox(b);
      await b.subscribeAsync('$share/g/work', { qos: 1 });
      const pub = await client(g2, 'pub');
      for (let i = 0; i < 6; i++) await pub.publishAsync('work', `m${i}`, { qos: 1 });
      // the bus alternates between the gateways, so the silent member got some and acknowledged none
      expect((await rawPublishes(silent, 1)).length).toBe(1);
      silent.destroy();
      expect((await inB.waitFor(6)).slice().sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    } finally {
      for (const g of gateways.splice(0)) await g.stop();
      await bus.close();
    }
  });
});
