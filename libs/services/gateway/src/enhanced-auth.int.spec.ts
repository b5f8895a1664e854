import type { AuthApi, AuthExchangeRequest, AuthExchangeResult } from '@mqp/contracts';
import type { IAuthPacket, IConnackPacket, IDisconnectPacket, Packet } from 'mqtt-packet';
import mqtt from 'mqtt';
import { closeClient, RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

const METHOD = 'SCRAM-SHA-256';
const CLIENT_FIRST = 'n,,n=alice,r=abc';
const SERVER_FIRST = 'r=abcdef,s=c2FsdA==,i=4096';
const CLIENT_FINAL = 'c=biws,r=abcdef,p=GOOD';
const SERVER_FINAL = 'v=signature';

/**
 * The gateway side of MQTT 5 enhanced authentication (MQTT 5.0 §4.12). The
 * auth service is scripted (its SCRAM is tested in libs/services/auth): a
 * client-first is answered with a challenge, the right client-final allows.
 */
describe('gateway enhanced authentication (AUTH packets)', () => {
  let tg: TestGateway;
  const open: RawClient[] = [];
  let calls: AuthExchangeRequest[];

  beforeEach(async () => {
    tg = await startTestGateway({ connectTimeoutMs: 500 });
    calls = [];
    const api: AuthApi = tg.auth;
    api.authenticateExchange = async (req): Promise<AuthExchangeResult> => {
      calls.push(req);
      if (req.method !== METHOD) return { outcome: 'deny', reason: 'bad_auth_method' };
      const data = req.data?.toString();
      if (req.state === undefined) return data === CLIENT_FIRST ? { outcome: 'continue', data: Buffer.from(SERVER_FIRST), state: Buffer.from('sealed-1') } : { outcome: 'deny', reason: 'not_authorized' };
      if (req.state.toString() === 'sealed-1' && data === CLIENT_FINAL) return { outcome: 'allow', superuser: false, username: 'alice', data: Buffer.from(SERVER_FINAL) };
      return { outcome: 'deny', reason: 'not_authorized' };
    };
  });

  afterEach(async () => {
    for (const raw of open.splice(0)) raw.destroy();
    await tg.stop();
  });

  async function raw(): Promise<RawClient> {
    const r = await RawClient.open(tg.port, 5);
    open.push(r);
    return r;
  }

  function connect(r: RawClient, method = METHOD, data: string | undefined = CLIENT_FIRST, clientId = 'enh-1'): void {
    const properties: Record<string, unknown> = { authenticationMethod: method };
    if (data !== undefined) properties.authenticationData = Buffer.from(data);
    r.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId, clean: true, keepalive: 0, properties } as Packet);
  }

  function auth(r: RawClient, data: string, reasonCode = 0x18, method = METHOD): void {
    r.send({ cmd: 'auth', reasonCode, properties: { authenticationMethod: method, authenticationData: Buffer.from(data) } } as IAuthPacket);
  }

  async function challenged(r: RawClient): Promise<IAuthPacket> {
    const p = await r.next();
    if (p?.cmd !== 'auth') throw new Error(`expected AUTH, got ${p?.cmd}`);
    return p;
  }

  async function refusedWith(r: RawClient): Promise<number | undefined> {
    const p = await r.next();
    if (p?.cmd !== 'connack') throw new Error(`expected CONNACK, got ${p?.cmd}`);
    expect(await r.next()).toBeUndefined(); // closed after it
    return (p as IConnackPacket).reasonCode;
  }

  it('runs CONNECT → AUTH 0x18 → AUTH 0x18 → CONNACK 0x00 with the method and server-final, then the client works [MQTT-4.12.0-2] [MQTT-4.12.0-5]', async () => {
    const r = await raw();
    connect(r);
    const challenge = await challenged(r);
    expect(challenge.reasonCode).toBe(0x18);
    expect(challenge.properties?.authenticationMethod).toBe(METHOD);
    expect(challenge.properties?.authenticationData?.toString()).toBe(SERVER_FIRST);
    auth(r, CLIENT_FINAL);
    const ack = (await r.next()) as IConnackPacket;
    expect([ack.cmd, ack.reasonCode]).toEqual(['connack', 0]);
    expect(ack.properties?.authenticationMethod).toBe(METHOD);
    expect(ack.properties?.authenticationData?.toString()).toBe(SERVER_FINAL);
    // the exchange carried the CONNECT's identity and the state the auth service gave
    expect(calls.map((c) => [c.clientId, c.state?.toString()])).toEqual([['enh-1', undefined], ['enh-1', 'sealed-1']]);
    // the connect path went on as after a password allow: session opened, publish authorized as the SCRAM user
    expect(tg.session.opened).toEqual(['enh-1']);
    r.send({ cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
    const puback = await r.next();
    expect([puback?.cmd, (puback as { reasonCode?: number }).reasonCode]).toEqual(['puback', 0]);
    expect(tg.auth.authorizeCalls.at(-1)).toMatchObject({ clientId: 'enh-1', username: 'alice', topic: 'a/b' });
  });

  it('works with MQTT.js: authenticationMethod/authenticationData in CONNECT and handleAuth for the challenge', async () => {
    const client = mqtt.connect(tg.url, {
      clientId: 'mqttjs-enh',
      protocolVersion: 5,
      reconnectPeriod: 0,
      properties: { authenticationMethod: METHOD, authenticationData: Buffer.from(CLIENT_FIRST) },
    });
    // MQTT.js calls handleAuth with the server's AUTH and sends the AUTH packet it is given back
    client.handleAuth = (packet, callback) => {
      const ok = packet.properties?.authenticationData?.toString() === SERVER_FIRST;
      callback(ok ? undefined : new Error('unexpected challenge'), { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: METHOD, authenticationData: Buffer.from(CLIENT_FINAL) } });
    };
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    expect(connack.properties?.authenticationData?.toString()).toBe(SERVER_FINAL);
    await client.publishAsync('mqttjs/t', 'x', { qos: 1 });
    await closeClient(client);
  }, 10_000);

  it('refuses a bad client-final with CONNACK 0x87 Not authorized and closes [MQTT-4.12.0-4]', async () => {
    const r = await raw();
    connect(r);
    await challenged(r);
    auth(r, 'c=biws,r=abcdef,p=BAD');
    expect(await refusedWith(r)).toBe(0x87);
    expect(tg.session.opened).toEqual([]);
  });

  it('refuses a method the auth service does not offer with CONNACK 0x8C Bad authentication method [MQTT-4.12.0-1]', async () => {
    const r = await raw();
    connect(r, 'GS2-KRB5', 'x');
    expect(await refusedWith(r)).toBe(0x8c);
  });

  it('refuses with 0x8C when the auth API offers no enhanced authentication at all [MQTT-4.12.0-1]', async () => {
    delete (tg.auth as AuthApi).authenticateExchange;
    const r = await raw();
    connect(r);
    expect(await refusedWith(r)).toBe(0x8c);
  });

  it('answers an AUTH with another method than the CONNECT with CONNACK 0x8C [MQTT-4.12.0-5]', async () => {
    const r = await raw();
    connect(r);
    await challenged(r);
    auth(r, CLIENT_FINAL, 0x18, 'SCRAM-SHA-1');
    expect(await refusedWith(r)).toBe(0x8c);
  });

  it('refuses a PUBLISH before the exchange ends with CONNACK 0x82 [MQTT-3.1.2-30]', async () => {
    const r = await raw();
    connect(r);
    await challenged(r);
    r.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    expect(await refusedWith(r)).toBe(0x82);
  });

  it('refuses an AUTH 0x00 from the client during the exchange as a protocol error [MQTT-4.12.0-3]', async () => {
    const r = await raw();
    connect(r);
    await challenged(r);
    auth(r, CLIENT_FINAL, 0x00);
    expect(await refusedWith(r)).toBe(0x82);
  });

  it('closes, at the CONNECT timeout, a client that never answers the challenge', async () => {
    const r = await raw();
    connect(r);
    await challenged(r);
    // connectTimeoutMs is 500 here: nothing more arrives, and the socket closes
    expect(await r.next()).toBeUndefined();
    expect(tg.session.opened).toEqual([]);
  });

  it('keeps a client that finished the exchange past the CONNECT timeout: its deadline ends with the CONNACK', async () => {
    const r = await raw();
    connect(r);
    await challenged(r);
    auth(r, CLIENT_FINAL);
    expect(((await r.next()) as IConnackPacket).reasonCode).toBe(0);
    // connectTimeoutMs is 500 and the deadlines sit in 250 ms slots; keepalive 0 puts no other deadline in its place
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    r.send({ cmd: 'pingreq' });
    expect((await r.next())?.cmd).toBe('pingresp');
  });

  it('keeps AUTH a protocol error for a client whose CONNECT had no Authentication Method: DISCONNECT 0x82 [MQTT-4.12.0-7]', async () => {
    const r = await RawClient.connected(tg.port, 5);
    open.push(r);
    auth(r, 'x', 0x19);
    const d = (await r.next()) as IDisconnectPacket;
    expect([d.cmd, d.reasonCode]).toEqual(['disconnect', 0x82]);
  });

  it('fails closed with CONNACK 0x88 when the auth service is unreachable', async () => {
    (tg.auth as AuthApi).authenticateExchange = async () => {
      throw new Error('auth down');
    };
    const r = await raw();
    connect(r);
    expect(await refusedWith(r)).toBe(0x88);
  });

  describe('re-authentication [MQTT-4.12.1-1]', () => {
    async function connectedRaw(): Promise<RawClient> {
      const r = await raw();
      connect(r);
      await challenged(r);
      auth(r, CLIENT_FINAL);
      expect(((await r.next()) as IConnackPacket).reasonCode).toBe(0);
      return r;
    }

    it('answers AUTH 0x19 with a challenge and ends with AUTH 0x00 Success and the server-final, the connection staying up', async () => {
      const r = await connectedRaw();
      auth(r, CLIENT_FIRST, 0x19);
      const challenge = await challenged(r);
      expect([challenge.reasonCode, challenge.properties?.authenticationMethod]).toEqual([0x18, METHOD]);
      auth(r, CLIENT_FINAL);
      const done = await challenged(r);
      expect([done.reasonCode, done.properties?.authenticationMethod, done.properties?.authenticationData?.toString()]).toEqual([0x00, METHOD, SERVER_FINAL]);
      r.send({ cmd: 'pingreq' });
      expect((await r.next())?.cmd).toBe('pingresp');
    });

    it('disconnects with 0x87 when the re-authentication fails [MQTT-4.12.1-2]', async () => {
      const r = await connectedRaw();
      auth(r, CLIENT_FIRST, 0x19);
      await challenged(r);
      auth(r, 'c=biws,r=abcdef,p=BAD');
      const d = (await r.next()) as IDisconnectPacket;
      expect([d.cmd, d.reasonCode]).toEqual(['disconnect', 0x87]);
    });

    it('disconnects with 0x87 when the re-authentication proves another user', async () => {
      const r = await connectedRaw();
      (tg.auth as AuthApi).authenticateExchange = async () => ({ outcome: 'allow', superuser: false, username: 'mallory' });
      auth(r, CLIENT_FIRST, 0x19);
      const d = (await r.next()) as IDisconnectPacket;
      expect([d.cmd, d.reasonCode]).toEqual(['disconnect', 0x87]);
    });

    it('disconnects with 0x82 a re-authentication that names another method (0x8C is no DISCONNECT code) [MQTT-4.12.1-1]', async () => {
      const r = await connectedRaw();
      auth(r, CLIENT_FIRST, 0x19, 'OTHER');
      const d = (await r.next()) as IDisconnectPacket;
      expect([d.cmd, d.reasonCode]).toEqual(['disconnect', 0x82]);
    });
  });
});
