import type { MqttClient } from 'mqtt';
import type { IConnackPacket, IDisconnectPacket, IPubackPacket, IPublishPacket, Packet } from 'mqtt-packet';
import { closeClient, connectClient, RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

/** Next PUBLISH a raw client receives (other packets are skipped). */
async function nextPublish(raw: RawClient): Promise<IPublishPacket> {
  for (;;) {
    const p = await raw.next();
    if (p === undefined) throw new Error('closed before a PUBLISH');
    if (p.cmd === 'publish') return p;
  }
}

describe('gateway MQTT 5 features', () => {
  let tg: TestGateway;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];

  beforeEach(async () => {
    tg = await startTestGateway({ maxKeepAlive: 30 });
  });

  afterEach(async () => {
    for (const r of raws.splice(0)) r.destroy();
    await Promise.all(clients.splice(0).map(closeClient));
    await tg.stop();
  });

  async function client(clientId: string): Promise<MqttClient> {
    const c = await connectClient(tg, { clientId, protocolVersion: 5 });
    clients.push(c);
    return c;
  }

  async function raw(clientId: string, properties: Record<string, unknown> = {}): Promise<RawClient> {
    const r = await RawClient.connected(tg.port, 5, { clientId, properties });
    raws.push(r);
    return r;
  }

  async function connack(properties: Record<string, unknown>, keepalive = 0): Promise<IConnackPacket> {
    const r = await RawClient.open(tg.port, 5);
    raws.push(r);
    r.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: `c${raws.length}`, clean: true, keepalive, properties } as Packet);
    return (await r.next()) as IConnackPacket;
  }

  describe('CONNACK', () => {
    it('advertises Topic Alias Maximum 10, Subscription Identifiers and Shared Subscriptions available', async () => {
      const ack = await connack({});
      expect(ack.properties).toMatchObject({ topicAliasMaximum: 10, subscriptionIdentifiersAvailable: true, sharedSubscriptionAvailable: true });
    });

    it('returns Server Keep Alive when the client asks for more than gateway.maxKeepAlive [MQTT-3.2.2-21]', async () => {
      expect((await connack({}, 120)).properties?.serverKeepAlive).toBe(30);
      expect((await connack({}, 10)).properties?.serverKeepAlive).toBeUndefined();
    });

    it('returns Response Information when Request Response Information is 1', async () => {
      const r = await RawClient.open(tg.port, 5);
      raws.push(r);
      r.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'rr', clean: true, keepalive: 0, properties: { requestResponseInformation: true } } as Packet);
      expect(((await r.next()) as IConnackPacket).properties?.responseInformation).toBe('mqp/response/rr');
      expect((await connack({})).properties?.responseInformation).toBeUndefined();
    });
  });

  describe('subscription identifiers', () => {
    it('delivers with the identifiers of all of the client’s matching subscriptions [MQTT-3.3.4-3]', async () => {
      const sub = await raw('sub');
      sub.send({ cmd: 'subscribe', messageId: 1, properties: { subscriptionIdentifier: 7 }, subscriptions: [{ topic: 'a/+', qos: 1 }] } as Packet);
      await sub.next();
      sub.send({ cmd: 'subscribe', messageId: 2, properties: { subscriptionIdentifier: 268_435_455 }, subscriptions: [{ topic: 'a/#', qos: 0 }] } as Packet);
      await sub.next();
      sub.send({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'a/b', qos: 0 }] } as Packet);
      await sub.next();
      const plain = await raw('plain');
      plain.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 0 }] } as Packet);
      await plain.next();
      const pub = await client('pub');
      await pub.publishAsync('a/b', 'x', { qos: 0 });
      const got = await nextPublish(sub);
      expect([got.properties?.subscriptionIdentifier].flat().sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([7, 268_435_455]);
      expect((await nextPublish(plain)).properties?.subscriptionIdentifier).toBeUndefined();
    });

    it('sends a retained message with the identifier of the subscription that caused it [MQTT-3.3.4-3]', async () => {
      const pub = await client('pub');
      await pub.publishAsync('keep', 'v', { qos: 1, retain: true });
      const sub = await raw('sub');
      sub.send({ cmd: 'subscribe', messageId: 1, properties: { subscriptionIdentifier: 42 }, subscriptions: [{ topic: 'keep', qos: 1 }] } as Packet);
      const got = await nextPublish(sub);
      expect(got.retain).toBe(true);
      expect(got.properties?.subscriptionIdentifier).toBe(42);
    });

    it('closes with DISCONNECT 0x82 on a SUBSCRIBE with Subscription Identifier 0', async () => {
      const r = await raw('r');
      // SUBSCRIBE id 1, properties: 0x0B 0x00 (Subscription Identifier 0), filter "a", options 0
      r.write([0x82, 0x09, 0x00, 0x01, 0x02, 0x0b, 0x00, 0x00, 0x01, 0x61, 0x00]);
      const answer = (await r.next()) as IDisconnectPacket;
      expect(answer.cmd).toBe('disconnect');
      expect(answer.reasonCode).toBe(0x82);
    });

    it('closes with DISCONNECT 0x82 on a client PUBLISH carrying a Subscription Identifier [MQTT-3.3.4-6]', async () => {
      const r = await raw('r');
      r.send({ cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { subscriptionIdentifier: 3 } } as Packet);
      const answer = (await r.next()) as IDisconnectPacket;
      expect(answer.cmd).toBe('disconnect');
      expect(answer.reasonCode).toBe(0x82);
    });
  });

  describe('retain handling', () => {
    it('sends retained messages with 0 on every subscribe, with 1 only for a new subscription, with 2 never [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11]', async () => {
      const pub = await client('pub');
      await pub.publishAsync('rh/t', 'kept', { qos: 1, retain: true });
      const sub = await raw('sub');
      const subscribe = async (topic: string, rh: 0 | 1 | 2): Promise<boolean> => {
        sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 0, rh, nl: false, rap: false }] } as Packet);
        const suback = await sub.next();
        expect(suback?.cmd).toBe('suback');
        // a PINGRESP after the SUBACK shows whether a retained PUBLISH came in between
        sub.send({ cmd: 'pingreq' });
        const next = await sub.next();
        if (next?.cmd === 'pingresp') return false;
        expect(next?.cmd).toBe('publish');
        expect((await sub.next())?.cmd).toBe('pingresp');
        return true;
      };
      expect(await subscribe('rh/+', 1)).toBe(true);
      expect(await subscribe('rh/+', 1)).toBe(false);
      expect(await subscribe('rh/+', 0)).toBe(true);
      expect(await subscribe('rh/#', 2)).toBe(false);
      expect(await subscribe('rh/#', 0)).toBe(true);
    });

    it('closes the connection on Retain Handling 3 (MQTT 5.0 §3.8.3.1: malformed)', async () => {
      const r = await raw('r');
      // SUBSCRIBE id 1, no properties, filter "a", options 0x30 (Retain Handling 3)
      r.write([0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61, 0x30]);
      const answer = (await r.next()) as IDisconnectPacket;
      expect(answer.cmd).toBe('disconnect');
      expect(answer.reasonCode).toBeGreaterThanOrEqual(0x81);
      expect(answer.reasonCode).toBeLessThanOrEqual(0x82);
      await r.closed;
    });
  });

  describe('topic aliases', () => {
    it('resolves a client alias set with a topic and used with an empty topic', async () => {
      const sub = await client('sub');
      await sub.subscribeAsync('al/#', { qos: 0 });
      const got: string[] = [];
      const two = new Promise<void>((resolve) =>
        sub.on('message', (topic, payload) => {
          got.push(`${topic}=${payload.toString()}`);
          if (got.length === 2) resolve();
        }),
      );
      const r = await raw('r');
      r.send({ cmd: 'publish', topic: 'al/one', payload: Buffer.from('1'), qos: 0, retain: false, dup: false, properties: { topicAlias: 3 } } as Packet);
      r.send({ cmd: 'publish', topic: '', payload: Buffer.from('2'), qos: 1, messageId: 5, retain: false, dup: false, properties: { topicAlias: 3 } } as Packet);
      expect(((await r.next()) as IPubackPacket).reasonCode).toBe(0);
      await two;
      expect(got).toEqual(['al/one=1', 'al/one=2']);
    });

    it.each([
      ['0', 0],
      ['above the maximum (11)', 11],
    ])('closes with DISCONNECT 0x94 on topic alias %s [MQTT-3.3.2-8] [MQTT-3.3.2-9]', async (_name, alias) => {
      const r = await raw('r');
      r.send({ cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: alias } } as Packet);
      const answer = (await r.next()) as IDisconnectPacket;
      expect(answer.cmd).toBe('disconnect');
      expect(answer.reasonCode).toBe(0x94);
    });

    it('closes with DISCONNECT 0x82 on an empty topic with an alias that was never set', async () => {
      const r = await raw('r');
      r.send({ cmd: 'publish', topic: '', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 2 } } as Packet);
      const answer = (await r.next()) as IDisconnectPacket;
      expect(answer.cmd).toBe('disconnect');
      expect(answer.reasonCode).toBe(0x82);
    });

    it('sends QoS 0 with aliases to a client whose Topic Alias Maximum is 2, never above it, least recently used replaced [MQTT-3.3.2-10]', async () => {
      const sub = await raw('sub', { topicAliasMaximum: 2 });
      sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x/#', qos: 0 }] } as Packet);
      await sub.next();
      const pub = await client('pub');
      const topics = ['x/a', 'x/b', 'x/a', 'x/c', 'x/a', 'x/b'];
      for (const t of topics) await pub.publishAsync(t, t, { qos: 1 });
      const got: [string, number | undefined][] = [];
      for (let i = 0; i < topics.length; i++) {
        const p = await nextPublish(sub);
        expect(p.qos).toBe(0);
        got.push([p.topic, p.properties?.topicAlias]);
      }
      // x/c takes alias 2 from x/b (least recently used, x/a was just used); x/b then takes it back from x/c
      expect(got).toEqual([
        ['x/a', 1],
        ['x/b', 2],
        ['', 1],
        ['x/c', 2],
        ['', 1],
        ['x/b', 2],
      ]);
    });

    it('sends full topics without aliases to a client that did not ask for them', async () => {
      const sub = await raw('sub');
      sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'y', qos: 0 }] } as Packet);
      await sub.next();
      const pub = await client('pub');
      await pub.publishAsync('y', '1', { qos: 0 });
      await pub.publishAsync('y', '2', { qos: 0 });
      for (let i = 0; i < 2; i++) {
        const p = await nextPublish(sub);
        expect(p.topic).toBe('y');
        expect(p.properties?.topicAlias).toBeUndefined();
      }
    });
  });

  describe('message properties', () => {
    it('answers PUBACK 0x99 to Payload Format Indicator 1 with invalid UTF-8, and forwards nothing', async () => {
      const sub = await client('sub');
      await sub.subscribeAsync(['pfi', 'end'], { qos: 1 });
      const got: string[] = [];
      const ended = new Promise<void>((resolve) =>
        sub.on('message', (topic, payload) => {
          if (topic === 'end') resolve();
          else got.push(payload.toString('hex'));
        }),
      );
      const r = await raw('r');
      r.send({ cmd: 'publish', topic: 'pfi', payload: Buffer.from([0xff, 0xfe]), qos: 1, messageId: 1, retain: false, dup: false, properties: { payloadFormatIndicator: true } } as Packet);
      expect(((await r.next()) as IPubackPacket).reasonCode).toBe(0x99);
      r.send({ cmd: 'publish', topic: 'pfi', payload: Buffer.from('ok'), qos: 1, messageId: 2, retain: false, dup: false, properties: { payloadFormatIndicator: true } } as Packet);
      expect(((await r.next()) as IPubackPacket).reasonCode).toBe(0);
      r.send({ cmd: 'publish', topic: 'end', payload: Buffer.from(''), qos: 0, retain: false, dup: false } as Packet);
      await ended;
      expect(got).toEqual([Buffer.from('ok').toString('hex')]);
    });

    it('does not send an expired retained message, and forwards the remaining expiry interval [MQTT-3.3.2-5] [MQTT-3.3.2-6]', async () => {
      const pub = await client('pub');
      await pub.publishAsync('exp/short', 'gone', { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
      await pub.publishAsync('exp/long', 'kept', { qos: 1, retain: true, properties: { messageExpiryInterval: 100 } });
      const stored = tg.router.retained.get('exp/short');
      if (stored) stored.expiresAt = Date.now() - 1; // expire it without waiting a second
      const sub = await raw('sub');
      sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'exp/+', qos: 1 }] } as Packet);
      const p = await nextPublish(sub);
      expect(p.topic).toBe('exp/long');
      expect(p.properties?.messageExpiryInterval).toBeGreaterThan(90);
      expect(p.properties?.messageExpiryInterval).toBeLessThanOrEqual(100);
    });
  });

  describe('$SYS statistics', () => {
    it('publishes $SYS/brokers/<gatewayId>/... statistics that a $SYS/# subscriber receives', async () => {
      const g = await startTestGateway({ id: 'gw-sys', sysIntervalMs: 50 });
      try {
        const sub = await connectClient(g, { clientId: 'admin', protocolVersion: 5 });
        try {
          const seen = new Map<string, string>();
          const all = new Promise<void>((resolve) =>
            sub.on('message', (topic, payload) => {
              seen.set(topic, payload.toString());
              if (seen.has('$SYS/brokers/gw-sys/clients/connected') && seen.has('$SYS/brokers/gw-sys/version')) resolve();
            }),
          );
          await sub.subscribeAsync('$SYS/#');
          await all;
          expect(seen.get('$SYS/brokers/gw-sys/clients/connected')).toBe('1');
          expect([...seen.keys()]).toEqual(
            expect.arrayContaining(['$SYS/brokers/gw-sys/uptime', '$SYS/brokers/gw-sys/messages/received', '$SYS/brokers/gw-sys/messages/sent']),
          );
          expect(g.auth.authorizeCalls.some((c) => c.action === 'publish' && c.topic.startsWith('$SYS'))).toBe(false);
        } finally {
          await closeClient(sub);
        }
      } finally {
        await g.stop();
      }
    });
  });

  it('round-trips a subscription identifier with MQTT.js [MQTT-3.3.4-3]', async () => {
    const sub = await client('mq');
    const granted = await sub.subscribeAsync('mq/t', { qos: 1, properties: { subscriptionIdentifier: 9 } });
    expect(granted[0]?.qos).toBe(1);
    const got = new Promise<IPublishPacket>((resolve) => sub.once('message', (_t, _p, packet) => resolve(packet as IPublishPacket)));
    await sub.publishAsync('mq/t', 'x', { qos: 1 });
    expect((await got).properties?.subscriptionIdentifier).toBe(9);
  });
});
