import { encodeAuthChanged, subjects } from '@mqp/contracts';
import { ReasonCode } from '@mqp/protocol';
import type { IConnackPacket, IDisconnectPacket } from 'mqtt-packet';
import { closeClient, connectClient, nextMessage, RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

describe('gateway: auth rule changes', () => {
  let tg: TestGateway;
  beforeEach(async () => {
    tg = await startTestGateway();
  });
  afterEach(() => tg.stop());

  it('removes a live subscription the new rules no longer allow, so deliveries stop', async () => {
    let allowX = true;
    tg.auth.authorizeImpl = async (req) => req.action === 'publish' || allowX || !req.topic.startsWith('x/');
    const sub = await connectClient(tg, { clientId: 'sub' });
    const pub = await connectClient(tg, { clientId: 'pub' });
    try {
      await sub.subscribeAsync(['x/#', 'y/#'], { qos: 1 });
      const first = nextMessage(sub);
      await pub.publishAsync('x/1', 'before', { qos: 1 });
      expect((await first).payload.toString()).toBe('before');

      allowX = false;
      const calls = tg.auth.authorizeCalls.length;
      tg.bus.publish(subjects.authChanged, encodeAuthChanged({ kind: 'acl' }));
      await tg.bus.flush();
      // both subscriptions are asked about again
      while (tg.auth.authorizeCalls.slice(calls).filter((r) => r.action === 'subscribe').length < 2) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));

      const got: string[] = [];
      sub.on('message', (topic) => got.push(topic));
      const marker = nextMessage(sub);
      await pub.publishAsync('x/1', 'after', { qos: 1 });
      await pub.publishAsync('y/1', 'still allowed', { qos: 1 });
      expect((await marker).topic).toBe('y/1');
      expect(got).toEqual(['y/1']);
    } finally {
      await closeClient(sub);
      await closeClient(pub);
    }
  });

  it('clears cached publish decisions', async () => {
    let allow = true;
    tg.auth.authorizeImpl = async () => allow;
    const c = await connectClient(tg, { clientId: 'c', protocolVersion: 5 });
    try {
      await c.publishAsync('p/1', 'x', { qos: 1 });
      allow = false;
      tg.bus.publish(subjects.authChanged, encodeAuthChanged({ kind: 'acl' }));
      await tg.bus.flush();
      // v5 PUBACK 0x87 once the cached allow is gone
      await expect(c.publishAsync('p/1', 'x', { qos: 1 })).rejects.toThrow();
    } finally {
      await closeClient(c);
    }
  });

  it('delivers QoS 0 publishes taken by the fast path (cached allow) in order, and denies them once the cached allow is cleared', async () => {
    let allow = true;
    tg.auth.authorizeImpl = async (req) => req.action === 'subscribe' || allow || req.topic === 'f/marker';
    const sub = await connectClient(tg, { clientId: 'sub' });
    const pub = await connectClient(tg, { clientId: 'pub' });
    try {
      await sub.subscribeAsync('f/#', { qos: 0 });
      const got: string[] = [];
      sub.on('message', (_topic, payload) => got.push(payload.toString()));
      const calls = tg.auth.authorizeCalls.length;
      const allThree = new Promise((resolve) => sub.on('message', () => got.length === 3 && resolve(undefined)));
      // the first asks auth; the next two find its allow in the cache and go on the bus synchronously
      for (const payload of ['first', 'fast 1', 'fast 2']) await pub.publishAsync('f/1', payload, { qos: 0 });
      await allThree;
      expect(got).toEqual(['first', 'fast 1', 'fast 2']);
      expect(tg.auth.authorizeCalls.slice(calls).filter((r) => r.action === 'publish')).toHaveLength(1);

      allow = false;
      tg.bus.publish(subjects.authChanged, encodeAuthChanged({ kind: 'acl' }));
      await tg.bus.flush();
      const marker = nextMessage(sub);
      await pub.publishAsync('f/1', 'denied', { qos: 0 });
      await pub.publishAsync('f/marker', 'marker', { qos: 0 });
      expect((await marker).topic).toBe('f/marker');
      expect(got).toEqual(['first', 'fast 1', 'fast 2', 'marker']);
    } finally {
      await closeClient(sub);
      await closeClient(pub);
    }
  });

  it('disconnects a live client a new ban names with DISCONNECT 0x98 Administrative action (0x8A is CONNACK only)', async () => {
    const raw = await RawClient.connected(tg.port, 5, { clientId: 'to-ban' });
    const other = await RawClient.connected(tg.port, 5, { clientId: 'innocent' });
    try {
      tg.bus.publish(subjects.authChanged, encodeAuthChanged({ kind: 'ban', ban: { kind: 'clientid', value: 'to-ban' } }));
      const packet = (await raw.next()) as IDisconnectPacket | undefined;
      expect(packet?.cmd).toBe('disconnect');
      expect(packet?.reasonCode).toBe(ReasonCode.AdministrativeAction);
      await raw.closed;
      const gone = await tg.nextEvent('client.disconnected', true);
      expect(gone).toMatchObject({ clientId: 'to-ban', reason: 'banned' });
      // the client the ban does not name stays
      expect(tg.handle.connectionCount()).toBe(1);
    } finally {
      raw.destroy();
      other.destroy();
    }
  });
});

describe('gateway: rate limits', () => {
  let tg: TestGateway | undefined;
  afterEach(() => tg?.stop());

  it('refuses CONNECTs beyond gateway.maxConnectRate with CONNACK 0x9F Connection rate exceeded', async () => {
    tg = await startTestGateway({ maxConnectRate: 2 });
    const a = await RawClient.connected(tg.port, 5, { clientId: 'r1' });
    const b = await RawClient.connected(tg.port, 5, { clientId: 'r2' });
    const c = await RawClient.open(tg.port, 5);
    try {
      c.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'r3', clean: true, keepalive: 0 });
      const connack = (await c.next()) as IConnackPacket | undefined;
      expect(connack?.cmd).toBe('connack');
      expect(connack?.reasonCode).toBe(ReasonCode.ConnectionRateExceeded);
      await c.closed;
    } finally {
      a.destroy();
      b.destroy();
      c.destroy();
    }
  });

  it('disconnects a client publishing beyond gateway.maxMessageRate with DISCONNECT 0x96 Message rate too high', async () => {
    tg = await startTestGateway({ maxMessageRate: 3 });
    const raw = await RawClient.connected(tg.port, 5, { clientId: 'flood' });
    try {
      for (let i = 0; i < 10; i++) raw.send({ cmd: 'publish', topic: 'f/1', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
      const packet = (await raw.next()) as IDisconnectPacket | undefined;
      expect(packet?.cmd).toBe('disconnect');
      expect(packet?.reasonCode).toBe(ReasonCode.MessageRateTooHigh);
      await raw.closed;
    } finally {
      raw.destroy();
    }
  });

  it('does not limit messages by default', async () => {
    tg = await startTestGateway();
    const sub = await connectClient(tg, { clientId: 's' });
    const raw = await RawClient.connected(tg.port, 5, { clientId: 'many' });
    try {
      await sub.subscribeAsync('m/1', { qos: 0 });
      let got = 0;
      const all = new Promise<void>((resolve) => sub.on('message', () => ++got === 200 && resolve()));
      for (let i = 0; i < 200; i++) raw.send({ cmd: 'publish', topic: 'm/1', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
      await all;
      expect(tg.handle.connectionCount()).toBe(2);
    } finally {
      raw.destroy();
      await closeClient(sub);
    }
  });
});
