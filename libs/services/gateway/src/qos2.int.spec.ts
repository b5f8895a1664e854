import { decodeMessage, encodeMessage, subjects } from '@mqp/contracts';
import type { MqttClient } from 'mqtt';
import type { IDisconnectPacket, IPubcompPacket, IPublishPacket, IPubrecPacket, IPubrelPacket, ISubackPacket, Packet } from 'mqtt-packet';
import { type RawClient, useTestGateway } from './gateway.test-harness';

describe('gateway QoS 2', () => {
  const gw = useTestGateway();
  const raw = (version: 4 | 5, clientId: string): Promise<RawClient> => gw.connected(version, { clientId });
  const client = (clientId: string): Promise<MqttClient> => gw.client(clientId);

  function publish(topic: string, qos: 0 | 1 | 2, messageId: number, payload = 'x', dup = false): Packet {
    return { cmd: 'publish', topic, payload: Buffer.from(payload), qos, messageId, retain: false, dup };
  }

  /** Payloads put on the bus for `topic`, collected until `end` is published there. */
  function busPayloads(topic: string): Promise<string[]> {
    const seen: string[] = [];
    return new Promise((resolve) => {
      const sub = gw.tg.bus.subscribe(subjects.message(topic), (m) => {
        const payload = decodeMessage(m.data).payload.toString();
        if (payload === 'end') {
          sub.unsubscribe();
          resolve(seen);
        } else seen.push(payload);
      });
    });
  }

  it('forwards an incoming QoS 2 message once, answering a duplicate PUBLISH with PUBREC only [MQTT-4.3.3-10] [MQTT-4.3.3-11]', async () => {
    const forwarded = busPayloads('q/in');
    const r5 = await raw(5, 'pub2');
    r5.send(publish('q/in', 2, 10, 'once'));
    expect((await r5.next()) as IPubrecPacket).toMatchObject({ cmd: 'pubrec', messageId: 10, reasonCode: 0 });
    // the client did not see the PUBREC in time and resends with DUP: same id, still awaiting PUBREL
    r5.send(publish('q/in', 2, 10, 'once', true));
    expect((await r5.next()) as IPubrecPacket).toMatchObject({ cmd: 'pubrec', messageId: 10 });
    r5.send({ cmd: 'pubrel', messageId: 10 });
    expect((await r5.next()) as IPubcompPacket).toMatchObject({ cmd: 'pubcomp', messageId: 10, reasonCode: 0 });
    // the id is free again: a new PUBLISH with it is a new message
    r5.send(publish('q/in', 2, 10, 'twice'));
    expect((await r5.next()) as IPubrecPacket).toMatchObject({ cmd: 'pubrec', messageId: 10 });
    r5.send(publish('q/in', 0, 0, 'end'));
    expect(await forwarded).toEqual(['once', 'twice']);
  });

  it('answers a PUBREL for an unknown packet id with PUBCOMP 0x92 (v5) or a plain PUBCOMP (v3.1.1) [MQTT-4.3.3-11]', async () => {
    const r5 = await raw(5, 'rel5');
    r5.send({ cmd: 'pubrel', messageId: 77 });
    expect((await r5.next()) as IPubcompPacket).toMatchObject({ cmd: 'pubcomp', messageId: 77, reasonCode: 0x92 });
    const r4 = await raw(4, 'rel4');
    r4.send({ cmd: 'pubrel', messageId: 78 });
    expect((await r4.next()) as IPubcompPacket).toMatchObject({ cmd: 'pubcomp', messageId: 78 });
  });

  it('refuses an unauthorized QoS 2 PUBLISH with PUBREC 0x87 and does not forward it', async () => {
    gw.tg.auth.authorizeImpl = async (req) => req.topic !== 'q/secret';
    const forwarded = busPayloads('q/secret');
    const r5 = await raw(5, 'denied');
    r5.send(publish('q/secret', 2, 3, 'no'));
    expect((await r5.next()) as IPubrecPacket).toMatchObject({ cmd: 'pubrec', messageId: 3, reasonCode: 0x87 });
    // the failed PUBREC ended the flow: a PUBREL for it is unknown
    r5.send({ cmd: 'pubrel', messageId: 3 });
    expect((await r5.next()) as IPubcompPacket).toMatchObject({ reasonCode: 0x92 });
    gw.tg.bus.publish(subjects.message('q/secret'), encodeMessage({
      id: 'end', topic: 'q/secret', payload: Buffer.from('end'), qos: 0, retain: false, origin: { clientId: 'x', gatewayId: 'x' }, createdAt: 0,
    }));
    expect(await forwarded).toEqual([]);
  });

  it('disconnects a v5 client exceeding the Receive Maximum with QoS 2 flows awaiting PUBREL, with 0x93 [MQTT-3.3.4-9]', async () => {
    const r5 = await raw(5, 'greedy');
    for (let id = 1; id <= 33; id++) r5.send(publish('q/many', 2, id));
    let last: Packet | undefined;
    for (;;) {
      const p = await r5.next();
      if (p === undefined) break;
      last = p;
    }
    expect(last as IDisconnectPacket).toMatchObject({ cmd: 'disconnect', reasonCode: 0x93 });
  });

  it('disconnects a v3.1.1 client with more than 100 QoS 2 flows awaiting PUBREL', async () => {
    const r4 = await raw(4, 'greedy4');
    let pubrecs = 0;
    for (let id = 1; id <= 101; id++) r4.send(publish('q/many', 2, id));
    for (;;) {
      const p = await r4.next();
      if (p === undefined) break;
      if (p.cmd === 'pubrec') pubrecs++;
    }
    expect(pubrecs).toBe(100);
  });

  it('delivers outgoing QoS 2 with PUBLISH → PUBREC → PUBREL → PUBCOMP, and frees the packet id [MQTT-4.3.3-4]', async () => {
    const r5 = await raw(5, 'sub2');
    r5.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/out', qos: 2 }] });
    expect(((await r5.next()) as ISubackPacket).granted).toEqual([2]);
    const pub = await client('pub');
    await pub.publishAsync('q/out', 'hello', { qos: 2 });
    const p = (await r5.next()) as IPublishPacket;
    expect(p).toMatchObject({ cmd: 'publish', qos: 2, dup: false });
    expect(p.payload.toString()).toBe('hello');
    r5.send({ cmd: 'pubrec', messageId: p.messageId as number });
    expect((await r5.next()) as IPubrelPacket).toMatchObject({ cmd: 'pubrel', messageId: p.messageId });
    // a PUBREC for an id not in flight: PUBREL 0x92
    r5.send({ cmd: 'pubrec', messageId: 999 });
    expect((await r5.next()) as IPubrelPacket).toMatchObject({ cmd: 'pubrel', messageId: 999, reasonCode: 0x92 });
    r5.send({ cmd: 'pubcomp', messageId: p.messageId as number });
    await pub.publishAsync('q/out', 'again', { qos: 2 });
    const second = (await r5.next()) as IPublishPacket;
    expect(second.payload.toString()).toBe('again');
    expect(second.messageId).not.toBe(p.messageId);
  });

  it('delivers QoS 2 end to end between MQTT.js clients exactly once', async () => {
    const sub = await client('sub');
    await sub.subscribeAsync('q/e2e', { qos: 2 });
    const got: { payload: string; qos: number }[] = [];
    const done = new Promise<void>((resolve) =>
      sub.on('message', (_t, payload, packet) => {
        if (payload.toString() === 'end') return resolve();
        got.push({ payload: payload.toString(), qos: packet.qos });
      }),
    );
    const pub = await client('pub');
    for (let i = 0; i < 5; i++) await pub.publishAsync('q/e2e', `m${i}`, { qos: 2 });
    await pub.publishAsync('q/e2e', 'end', { qos: 2 });
    await done;
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => ({ payload: `m${i}`, qos: 2 })));
  });

  it('downgrades to the subscription QoS, and overlapping subscriptions deliver once at the highest QoS [MQTT-3.3.4-2]', async () => {
    const r5 = await raw(5, 'over');
    r5.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'd/#', qos: 0 }, { topic: 'd/+', qos: 2 }, { topic: 'low/x', qos: 1 }] });
    expect(((await r5.next()) as ISubackPacket).granted).toEqual([0, 2, 1]);
    const pub = await client('pub');
    await pub.publishAsync('d/1', 'both', { qos: 2 });
    const both = (await r5.next()) as IPublishPacket;
    expect(both).toMatchObject({ topic: 'd/1', qos: 2 });
    r5.send({ cmd: 'pubrec', messageId: both.messageId as number });
    expect((await r5.next())?.cmd).toBe('pubrel');
    await pub.publishAsync('low/x', 'down', { qos: 2 });
    // no second copy of d/1 came in between: the next packet is the downgraded one
    expect((await r5.next()) as IPublishPacket).toMatchObject({ topic: 'low/x', qos: 1 });
  });
});
