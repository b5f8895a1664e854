import type { IConnackPacket, IPublishPacket, ISubackPacket } from 'mqtt-packet';
import { type RawClient, useTestGateway } from './gateway.test-harness';

describe('gateway persistent sessions and wills', () => {
  const gw = useTestGateway();

  async function connectRaw(clientId: string, clean: boolean, expiry: number): Promise<{ raw: RawClient; connack: IConnackPacket }> {
    const raw = await gw.open(5);
    raw.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId, clean, keepalive: 0, properties: { sessionExpiryInterval: expiry } });
    return { raw, connack: (await raw.next()) as IConnackPacket };
  }

  async function closedAndHandedOver(raw: RawClient): Promise<void> {
    const count = gw.tg.session.closeRequests.length;
    raw.destroy();
    await raw.closed;
    while (gw.tg.session.closeRequests.length === count) await new Promise((r) => setImmediate(r));
  }

  it('resends an unacknowledged message with DUP=1 and the same packet id after reconnect, with Session Present 1 [MQTT-4.4.0-1] [MQTT-3.2.2-3]', async () => {
    const first = await connectRaw('persist', true, 60);
    expect(first.connack.sessionPresent).toBe(false);
    first.raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 's/#', qos: 2 }] });
    expect(((await first.raw.next()) as ISubackPacket).granted).toEqual([2]);
    const pub = await gw.client('pub');
    await pub.publishAsync('s/1', 'one', { qos: 1 });
    await pub.publishAsync('s/2', 'two', { qos: 2 });
    const p1 = (await first.raw.next()) as IPublishPacket;
    const p2 = (await first.raw.next()) as IPublishPacket;
    // PUBREC for the QoS 2 one: it becomes "released" (PUBREL sent), the QoS 1 one stays unacknowledged
    first.raw.send({ cmd: 'pubrec', messageId: p2.messageId as number });
    expect((await first.raw.next())?.cmd).toBe('pubrel');
    await closedAndHandedOver(first.raw);

    const second = await connectRaw('persist', false, 60);
    expect(second.connack.sessionPresent).toBe(true);
    const again = (await second.raw.next()) as IPublishPacket;
    expect(again).toMatchObject({ cmd: 'publish', topic: 's/1', dup: true, messageId: p1.messageId, qos: 1 });
    // [MQTT-4.4.0-2] a released QoS 2 message is resumed with PUBREL, not PUBLISH
    expect(await second.raw.next()).toMatchObject({ cmd: 'pubrel', messageId: p2.messageId });
    // the restored subscription delivers new messages too
    await pub.publishAsync('s/3', 'three', { qos: 1 });
    expect((await second.raw.next()) as IPublishPacket).toMatchObject({ topic: 's/3', dup: false });
  });

  it('starts a new session with Clean Start 1: Session Present 0 and nothing resent [MQTT-3.1.2-4]', async () => {
    const first = await connectRaw('fresh', true, 60);
    first.raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'f', qos: 1 }] });
    await first.raw.next();
    await closedAndHandedOver(first.raw);
    const second = await connectRaw('fresh', true, 60);
    expect(second.connack.sessionPresent).toBe(false);
  });

  it('caps a Session Expiry Interval above the server maximum and returns it in CONNACK (MQTT 5.0 §3.2.2.3.2)', async () => {
    const { connack } = await connectRaw('capped', true, 0xffffffff);
    expect(connack.properties?.sessionExpiryInterval).toBe(7200);
    const { connack: small } = await connectRaw('small', true, 60);
    expect(small.properties?.sessionExpiryInterval).toBeUndefined();
  });

  it('refuses a DISCONNECT raising the Session Expiry Interval from 0 with 0x82 [MQTT-3.14.2-2]', async () => {
    const { raw } = await connectRaw('zero', true, 0);
    raw.send({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 30 } });
    expect(await raw.next()).toMatchObject({ cmd: 'disconnect', reasonCode: 0x82 });
  });

  it('hands a will with a delay to the session service instead of publishing it [MQTT-3.1.3-9]', async () => {
    const watcher = await gw.client('watcher', { protocolVersion: 4 });
    await watcher.subscribeAsync('wills/#');
    let got = 0;
    watcher.on('message', () => got++);
    const raw = await gw.open(5);
    raw.send({
      cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'delayed', clean: true, keepalive: 0,
      properties: { sessionExpiryInterval: 60 },
      will: { topic: 'wills/delayed', payload: Buffer.from('later'), qos: 2, retain: false, properties: { willDelayInterval: 10 } },
    });
    await raw.next();
    await closedAndHandedOver(raw);
    const req = gw.tg.session.closeRequests.at(-1);
    expect(req?.will).toMatchObject({ delaySeconds: 10, message: { topic: 'wills/delayed', qos: 2 } });
    expect(req?.will?.message.payload.toString()).toBe('later');
    expect(got).toBe(0);
  });

  it('publishes a QoS 2 will at once on socket loss when the session ends with the connection [MQTT-3.1.2-8]', async () => {
    const watcher = await gw.client('watcher2');
    await watcher.subscribeAsync('wills/#', { qos: 2 });
    const arrived = new Promise<{ topic: string; qos: number }>((resolve) => watcher.once('message', (topic, _p, packet) => resolve({ topic, qos: packet.qos })));
    const raw = await gw.open(5);
    raw.send({
      cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'lost', clean: true, keepalive: 0,
      will: { topic: 'wills/lost', payload: Buffer.from('gone'), qos: 2, retain: false, properties: { willDelayInterval: 30 } },
    });
    await raw.next();
    raw.destroy();
    // Session Expiry 0: min(will delay, session expiry) = 0
    expect(await arrived).toEqual({ topic: 'wills/lost', qos: 2 });
  });
});
