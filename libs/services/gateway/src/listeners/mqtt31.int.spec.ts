import mqtt, { type IClientOptions } from 'mqtt';
import { closeClient, connectClient, nextMessage, RawClient, startTestGateway, type TestGateway } from '../gateway.test-harness';

/** MQTT 3.1 (protocol name `MQIsdp`, level 3), still spoken by old devices and libraries. */
const v31: IClientOptions = { protocolId: 'MQIsdp', protocolVersion: 3, reconnectPeriod: 0 };

describe('MQTT 3.1 (MQIsdp)', () => {
  let tg: TestGateway;
  beforeAll(async () => {
    tg = await startTestGateway({}, undefined, { ws: { enabled: true, port: 0, host: '127.0.0.1' } });
  });
  afterAll(() => tg.stop());

  it('accepts an MQTT 3.1 client over TCP and delivers between it and a 3.1.1 client', async () => {
    const old = await connectClient(tg, { ...v31, clientId: 'v31-tcp' });
    const current = await connectClient(tg, { clientId: 'v311-peer' });
    try {
      await old.subscribeAsync('t/v31', { qos: 1 });
      const got = nextMessage(old);
      await current.publishAsync('t/v31', 'hello 3.1', { qos: 1 });
      const { payload, packet } = await got;
      expect(payload.toString()).toBe('hello 3.1');
      expect(packet.qos).toBe(1);
      await current.subscribeAsync('t/v311', { qos: 1 });
      const back = nextMessage(current);
      await old.publishAsync('t/v311', 'from 3.1', { qos: 1 });
      expect((await back).payload.toString()).toBe('from 3.1');
    } finally {
      await closeClient(old);
      await closeClient(current);
    }
  });

  it('accepts an MQTT 3.1 client over WebSocket (subprotocol mqttv3.1)', async () => {
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${tg.handle.ports().ws}/mqtt`, { ...v31, clientId: 'v31-ws' });
    try {
      await client.subscribeAsync('t/v31ws', { qos: 0 });
      const got = nextMessage(client);
      await client.publishAsync('t/v31ws', 'loop', { qos: 0 });
      expect((await got).payload.toString()).toBe('loop');
    } finally {
      await closeClient(client);
    }
  });

  it('accepts a 23-character client id and refuses a longer one with CONNACK 2 (identifier rejected)', async () => {
    const ok = await RawClient.open(tg.port, 3);
    ok.send({ cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clientId: 'c'.repeat(23), clean: true, keepalive: 0 });
    expect(await ok.next()).toMatchObject({ cmd: 'connack', returnCode: 0 });
    ok.destroy();

    const long = await RawClient.open(tg.port, 3);
    long.send({ cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clientId: 'c'.repeat(24), clean: true, keepalive: 0 });
    expect(await long.next()).toMatchObject({ cmd: 'connack', returnCode: 2 });
    await long.closed;
  });

  it('refuses an empty client id with CONNACK 2, even with a clean session', async () => {
    const raw = await RawClient.open(tg.port, 3);
    // by hand: mqtt-packet will not encode an empty 3.1 client id
    raw.write([0x10, 14, 0, 6, ...Buffer.from('MQIsdp'), 3, 0x02, 0, 0, 0, 0]);
    expect(await raw.next()).toMatchObject({ cmd: 'connack', returnCode: 2 });
    await raw.closed;
  });
});
