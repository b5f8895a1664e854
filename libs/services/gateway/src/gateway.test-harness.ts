/**
 * Test support for the gateway specs: starts `gatewayModule` on 127.0.0.1:0
 * with an InProcessBus and simple in-test Auth/Session/Router fakes, plus a
 * raw-socket MQTT client for bytes that MQTT.js would never send.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { InProcessBus, type Bus } from '@mqp/bus';
import { configSchema, type MqpConfig } from '@mqp/config';
import type {
  AuthApi,
  AuthenticateRequest,
  AuthenticateResult,
  AuthorizeRequest,
  CloseSessionRequest,
  RouterApi,
  SessionApi,
  SessionHandOver,
  SessionSubscription,
  SubscribeSessionRequest,
  UnsubscribeSessionRequest,
} from '@mqp/contracts';
import type { Message, PlatformEvent } from '@mqp/model';
import { topicMatchesFilter } from '@mqp/protocol';
import { MetricsRegistry, silentLogger, type ModuleInstance } from '@mqp/runtime';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { generate, parser as createParser, type IConnectPacket, type IPublishPacket, type ISubscribePacket, type Packet } from 'mqtt-packet';
import { gatewayModule, type GatewayHandle } from './gateway.module';

export class FakeAuth implements AuthApi {
  authenticateImpl: (req: AuthenticateRequest) => Promise<AuthenticateResult> = async () => ({ decision: 'allow', superuser: false });
  authorizeImpl: (req: AuthorizeRequest) => Promise<boolean> = async () => true;
  authorizeCalls: AuthorizeRequest[] = [];

  authenticate(req: AuthenticateRequest): Promise<AuthenticateResult> {
    return this.authenticateImpl(req);
  }

  async authorize(req: AuthorizeRequest): Promise<{ allow: boolean }> {
    this.authorizeCalls.push(req);
    return { allow: await this.authorizeImpl(req) };
  }

  async ban(): Promise<void> {}
  async unban(): Promise<{ removed: boolean }> {
    return { removed: false };
  }
  async listBans(): Promise<never[]> {
    return [];
  }
  async replaceAcl(): Promise<void> {}
}

export class FakeSession implements SessionApi {
  opened: string[] = [];
  closed: string[] = [];
  /** Client id → the connection id the gateway opened it with (what a kick names). */
  readonly connectionIds = new Map<string, string>();
  /** A minimal in-memory persistent session per client id (what suspend/close left, for open/resume). */
  readonly kept = new Map<string, { subscriptions: SessionSubscription[]; handOver: SessionHandOver }>();
  readonly closeRequests: CloseSessionRequest[] = [];
  readonly subscribeCalls: SubscribeSessionRequest[] = [];
  readonly unsubscribeCalls: UnsubscribeSessionRequest[] = [];
  /** Tests replace these to delay or fail the answer. */
  subscribeImpl: (req: SubscribeSessionRequest) => Promise<void> = async () => {};
  unsubscribeImpl: (req: UnsubscribeSessionRequest) => Promise<void> = async () => {};
  open: SessionApi['open'] = async (req) => {
    this.opened.push(req.clientId);
    this.connectionIds.set(req.clientId, req.connectionId);
    const kept = this.kept.get(req.clientId);
    if (req.cleanStart || !kept) {
      this.kept.delete(req.clientId);
      return { sessionPresent: false };
    }
    return { sessionPresent: true, subscriptions: kept.subscriptions };
  };
  async close(req: CloseSessionRequest): Promise<void> {
    this.closed.push(req.clientId);
    this.closeRequests.push(req);
    const kept = this.kept.get(req.clientId);
    if (kept && req.handOver) kept.handOver = req.handOver;
    if (req.sessionExpiryInterval === 0) this.kept.delete(req.clientId);
  }
  async suspend(req: { clientId: string; subscriptions: SessionSubscription[] }): Promise<void> {
    this.kept.set(req.clientId, { subscriptions: req.subscriptions, handOver: { inflight: [], queued: [], awaitingRel: [] } });
  }
  async resume(req: { clientId: string }): Promise<SessionHandOver> {
    const kept = this.kept.get(req.clientId);
    const out = kept?.handOver ?? { inflight: [], queued: [], awaitingRel: [] };
    if (kept) kept.handOver = { inflight: [], queued: [], awaitingRel: [] };
    return out;
  }
  async subscribe(req: SubscribeSessionRequest): Promise<void> {
    this.subscribeCalls.push(req);
    await this.subscribeImpl(req);
  }
  async unsubscribe(req: UnsubscribeSessionRequest): Promise<void> {
    this.unsubscribeCalls.push(req);
    await this.unsubscribeImpl(req);
  }
  async list(): Promise<never[]> {
    return [];
  }
  async resetGateway(): Promise<void> {}
}

export class FakeRouter implements RouterApi {
  readonly retained = new Map<string, Message>();
  readonly routes = new Map<string, number>();
  async addRoutes(req: { filters: string[] }): Promise<void> {
    for (const f of req.filters) this.routes.set(f, (this.routes.get(f) ?? 0) + 1);
  }
  async removeRoutes(req: { filters: string[] }): Promise<void> {
    for (const f of req.filters) this.routes.set(f, (this.routes.get(f) ?? 0) - 1);
  }
  async resetGateway(): Promise<void> {}
  async listRoutes(): Promise<never[]> {
    return [];
  }
  async retain(message: Message): Promise<void> {
    if (message.payload.length === 0) this.retained.delete(message.topic);
    else this.retained.set(message.topic, message);
  }
  async matchRetained(req: { filter: string }): Promise<Message[]> {
    return [...this.retained.values()].filter((m) => topicMatchesFilter(m.topic, req.filter));
  }
}

export interface TestGateway {
  handle: GatewayHandle;
  instance: ModuleInstance<GatewayHandle>;
  bus: Bus;
  auth: FakeAuth;
  session: FakeSession;
  router: FakeRouter;
  metrics: MetricsRegistry;
  events: PlatformEvent[];
  /** Resolves with the next event of that name published on the bus (or one already seen, when `seen` is true). */
  nextEvent(name: PlatformEvent['name'], seen?: boolean): Promise<PlatformEvent>;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a gateway; with `bus` given (e.g. a NatsBus), the caller owns and closes that bus.
 * Only TCP listens unless `listeners` (the `listeners` config section, e.g. `{ ws: { enabled: true, port: 0 } }`) says more.
 */
export async function startTestGateway(gateway: Partial<MqpConfig['gateway']> = {}, sharedBus?: Bus, listeners: Record<string, unknown> = {}): Promise<TestGateway> {
  const config = configSchema.parse({
    listeners: { tcp: { port: 0, host: '127.0.0.1' }, ws: { enabled: false }, ...listeners },
    gateway: { id: 'gw-test', ...gateway },
  });
  const bus = sharedBus ?? new InProcessBus({ logger: silentLogger });
  const auth = new FakeAuth();
  const session = new FakeSession();
  const router = new FakeRouter();
  const metrics = new MetricsRegistry();
  const events: PlatformEvent[] = [];
  const eventWaiters: { name: string; resolve: (e: PlatformEvent) => void }[] = [];
  bus.subscribe('mqp.event.>', (m) => {
    const event = JSON.parse(Buffer.from(m.data).toString('utf8')) as PlatformEvent;
    events.push(event);
    for (const w of eventWaiters.filter((x) => x.name === event.name)) {
      eventWaiters.splice(eventWaiters.indexOf(w), 1);
      w.resolve(event);
    }
  });
  const nextEvent = (name: PlatformEvent['name'], seen = false): Promise<PlatformEvent> => {
    const already = seen ? events.find((e) => e.name === name) : undefined;
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => eventWaiters.push({ name, resolve }));
  };
  const values: Record<string, unknown> = { config, bus, metrics, 'auth.api': auth, 'session.api': session, 'router.api': router };
  const instance = await gatewayModule.init({ logger: silentLogger, get: <T>(name: string) => values[name] as T });
  await instance.start?.();
  const port = instance.value.port();
  let stopped = false;
  return {
    handle: instance.value,
    instance,
    bus,
    auth,
    session,
    router,
    metrics,
    events,
    nextEvent,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await instance.stop?.();
      if (!sharedBus) await bus.close();
    },
  };
}

/** An MQTT.js client that does not reconnect; resolves once connected. */
export async function connectClient(tg: TestGateway, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(tg.url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
}

export function closeClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(true, {}, () => resolve()));
}

/** Next message the client receives on any topic. */
export function nextMessage(client: MqttClient): Promise<{ topic: string; payload: Buffer; packet: mqtt.IPublishPacket }> {
  return new Promise((resolve) => client.once('message', (topic, payload, packet) => resolve({ topic, payload, packet })));
}

/**
 * A client speaking raw MQTT bytes. Packets from the server are parsed with
 * mqtt-packet at the protocol version given, and queued until read.
 */
export class RawClient {
  private readonly received: Packet[] = [];
  private waiters: ((p: Packet | undefined) => void)[] = [];
  private isClosed = false;
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: Socket,
    readonly protocolVersion: 3 | 4 | 5,
  ) {
    const parser = createParser({ protocolVersion });
    parser.on('packet', (p: Packet) => {
      const w = this.waiters.shift();
      if (w) w(p);
      else this.received.push(p);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        for (const w of this.waiters) w(undefined);
        this.waiters = [];
        resolve();
      }),
    );
  }

  static open(port: number, protocolVersion: 3 | 4 | 5 = 4): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(port, '127.0.0.1', () => resolve(new RawClient(socket, protocolVersion)));
      socket.once('error', reject);
    });
  }

  /** Opens a socket and completes CONNECT/CONNACK. */
  static async connected(port: number, protocolVersion: 3 | 4 | 5 = 4, connect: Partial<IConnectPacket> = {}): Promise<RawClient> {
    const raw = await RawClient.open(port, protocolVersion);
    // MQTT 3.1 names its protocol MQIsdp [MQTT-3.1.2-1]
    raw.send({ cmd: 'connect', protocolVersion, protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT', clientId: `raw-${Math.random().toString(36).slice(2)}`, clean: true, keepalive: 0, ...connect } as Packet);
    const connack = await raw.next();
    if (connack?.cmd !== 'connack') throw new Error(`expected CONNACK, got ${connack?.cmd}`);
    return raw;
  }

  send(packet: Packet): void {
    this.socket.write(generate(packet, { protocolVersion: this.protocolVersion }));
  }

  write(bytes: Buffer | number[]): void {
    this.socket.write(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
  }

  /** The next packet from the server, or undefined once the connection closed. */
  next(): Promise<Packet | undefined> {
    const p = this.received.shift();
    if (p) return Promise.resolve(p);
    if (this.isClosed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Raw clients past their CONNACK, made by `at`, all closed by `destroyAll`. */
function rawClients(): {
  at: (port: number, version: 3 | 4 | 5, clientId: string, connect?: Partial<IConnectPacket>) => Promise<RawClient>;
  destroyAll: () => void;
} {
  const clients: RawClient[] = [];
  return {
    at: async (port, version, clientId, connect = {}) => {
      const client = await RawClient.connected(port, version, { clientId, ...connect });
      clients.push(client);
      return client;
    },
    destroyAll: () => {
      for (const c of clients) c.destroy();
    },
  };
}

/**
 * QoS 0 PUBLISH packets of MQTT 3.1, 3.1.1 and 5.0 publishers on `publisherPort`, each sent twice (the first asks
 * auth, the second takes the fast path), reach subscribers of every level on `subscriberPort` in the subscriber's
 * own framing, with a subscription identifier only where it was asked for [MQTT-3.3.4-3]. Gateways may forward the
 * packet a message arrived in: a v5 client handed a v3.1.1 packet (or the other way round) would read this payload's
 * first byte as a Properties length.
 */
export async function expectEachLevelsFraming(subscriberPort: number, publisherPort: number): Promise<void> {
  const { at, destroyAll } = rawClients();
  try {
    const subscribers = {
      v3: await at(subscriberPort, 3, 'sub-v3'),
      v4: await at(subscriberPort, 4, 'sub-v4'),
      v5: await at(subscriberPort, 5, 'sub-v5'),
      v5WithId: await at(subscriberPort, 5, 'sub-v5-id'),
      v5Retained: await at(subscriberPort, 5, 'sub-v5-rap'),
    };
    const subscribe = async (r: RawClient, extra: Partial<ISubscribePacket> = {}, rap = false): Promise<void> => {
      r.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'frames/+', qos: 1, rap }], ...extra } as ISubscribePacket);
      expect((await r.next())?.cmd).toBe('suback');
    };
    await subscribe(subscribers.v3);
    await subscribe(subscribers.v4);
    await subscribe(subscribers.v5);
    await subscribe(subscribers.v5WithId, { properties: { subscriptionIdentifier: 7 } });
    await subscribe(subscribers.v5Retained, {}, true);
    const payload = Buffer.from([5, 0, 1, 2, 3]);
    for (const version of [3, 4, 5] as const) {
      const publisher = await at(publisherPort, version, `pub-v${version}`);
      for (let n = 0; n < 2; n++) publisher.send({ cmd: 'publish', topic: `frames/${version}`, payload, qos: 0, retain: false, dup: false });
      for (const [name, r] of Object.entries(subscribers)) {
        for (let n = 0; n < 2; n++) {
          const got = (await r.next()) as IPublishPacket;
          expect({ name, cmd: got.cmd, topic: got.topic, qos: got.qos, retain: got.retain, payload: Buffer.from(got.payload) }).toEqual({
            name,
            cmd: 'publish',
            topic: `frames/${version}`,
            qos: 0,
            retain: false,
            payload,
          });
          expect(got.properties?.subscriptionIdentifier).toBe(name === 'v5WithId' ? 7 : undefined);
        }
      }
    }
  } finally {
    destroyAll();
  }
}

/**
 * A gateway may deliver a QoS 0 message as the very packet it arrived in when every subscriber of its filter takes
 * that packet as it is; these cases, each on a filter of its own between `subscriberPort` and `publisherPort`,
 * check it gives each client what the protocol says:
 * - a v3.1 and a v3.1.1 client granted QoS 1 and QoS 0 get a v3.1/v3.1.1 publisher's packets, at QoS 0 [MQTT-3.8.4-8];
 * - two v5 clients get a v5 publisher's;
 * - each of them still gets its own level's packet from a publisher of the other;
 * - a v5 client subscribed with No Local does not get its own [MQTT-3.8.3-3], and gets another client's (a v5
 *   observer on the same filter gets both);
 * - a v5 client with a Maximum Packet Size of 64 gets the small packets and not the large ones [MQTT-3.1.2-24].
 * Each PUBLISH is sent twice: the first asks auth, the second takes the fast path with its packet.
 */
export async function expectForwardedPackets(subscriberPort: number, publisherPort: number): Promise<void> {
  const { at, destroyAll } = rawClients();
  const subscribe = async (r: RawClient, topic: string, qos: 0 | 1, nl = false): Promise<void> => {
    r.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos, nl }] } as ISubscribePacket);
    expect((await r.next())?.cmd).toBe('suback');
  };
  const publishTwice = (r: RawClient, topic: string, payload: Buffer): void => {
    for (let n = 0; n < 2; n++) r.send({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false });
  };
  /** The payloads `r` gets on `filter`'s topics until the `end` marker its own last publish sends after them. */
  const received = async (r: RawClient, end: string): Promise<string[]> => {
    const got: string[] = [];
    for (;;) {
      const p = (await r.next()) as IPublishPacket | undefined;
      if (p === undefined) throw new Error('connection closed');
      expect({ cmd: p.cmd, qos: p.qos, retain: p.retain }).toEqual({ cmd: 'publish', qos: 0, retain: false });
      const payload = Buffer.from(p.payload).toString();
      if (payload === end) return got;
      got.push(`${p.topic}:${payload}`);
    }
  };
  try {
    const v3 = await at(subscriberPort, 3, 'fw-v3');
    const v4 = await at(subscriberPort, 4, 'fw-v4');
    await subscribe(v3, 'same4/+', 1);
    await subscribe(v4, 'same4/+', 0);
    const v5a = await at(subscriberPort, 5, 'fw-v5a');
    const v5b = await at(subscriberPort, 5, 'fw-v5b');
    await subscribe(v5a, 'same5/+', 1);
    await subscribe(v5b, 'same5/+', 0);
    const self = await at(publisherPort, 5, 'fw-self');
    await subscribe(self, 'self/+', 0, true);
    const observer = await at(subscriberPort, 5, 'fw-observer');
    await subscribe(observer, 'self/+', 0);
    const small = await at(subscriberPort, 5, 'fw-small', { properties: { maximumPacketSize: 64 } });
    await subscribe(small, 'small/+', 0);

    const p3 = await at(publisherPort, 3, 'fw-p3');
    const p4 = await at(publisherPort, 4, 'fw-p4');
    const p5 = await at(publisherPort, 5, 'fw-p5');
    /** What each of `subscribers` gets of `payload` sent twice, then the end marker, by `publisher` (one client's order is kept). */
    const deliveries = async (publisher: RawClient, topic: string, payload: Buffer, subscribers: RawClient[]): Promise<string[][]> => {
      publishTwice(publisher, topic, payload);
      publisher.send({ cmd: 'publish', topic, payload: Buffer.from('end'), qos: 0, retain: false, dup: false });
      return Promise.all(subscribers.map((r) => received(r, 'end')));
    };
    expect(await deliveries(p3, 'same4/a', Buffer.from('from3'), [v3, v4])).toEqual([['same4/a:from3', 'same4/a:from3'], ['same4/a:from3', 'same4/a:from3']]);
    expect(await deliveries(p4, 'same4/a', Buffer.from('from4'), [v3, v4])).toEqual([['same4/a:from4', 'same4/a:from4'], ['same4/a:from4', 'same4/a:from4']]);
    expect(await deliveries(p5, 'same5/a', Buffer.from('from5'), [v5a, v5b])).toEqual([['same5/a:from5', 'same5/a:from5'], ['same5/a:from5', 'same5/a:from5']]);
    // the other framing: each client still gets a packet of its own level
    expect(await deliveries(p4, 'same5/a', Buffer.from('from4'), [v5a, v5b])).toEqual([['same5/a:from4', 'same5/a:from4'], ['same5/a:from4', 'same5/a:from4']]);
    expect(await deliveries(p5, 'same4/a', Buffer.from('from5'), [v3, v4])).toEqual([['same4/a:from5', 'same4/a:from5'], ['same4/a:from5', 'same4/a:from5']]);
    // its own, end marker included, reach only the observer, which shows they were handled before the others' come
    expect(await deliveries(self, 'self/a', Buffer.from('mine'), [observer])).toEqual([['self/a:mine', 'self/a:mine']]);
    expect(await deliveries(p5, 'self/a', Buffer.from('theirs'), [self, observer])).toEqual([
      ['self/a:theirs', 'self/a:theirs'],
      ['self/a:theirs', 'self/a:theirs'],
    ]);
    publishTwice(p5, 'small/a', Buffer.alloc(100, 0x61));
    expect(await deliveries(p5, 'small/a', Buffer.from('fits'), [small])).toEqual([['small/a:fits', 'small/a:fits']]);
  } finally {
    destroyAll();
  }
}

/** Connects over any URL (mqtts://, wss://) and reports a refusal as a value, so tests can assert either outcome. */
export function tryConnect(url: string, options: IClientOptions): Promise<{ client?: MqttClient; error?: Error }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    client.once('connect', () => resolve({ client }));
    client.once('error', (error) => {
      client.end(true);
      resolve({ error });
    });
    client.once('close', () => {
      if (!client.connected) resolve({ error: new Error('closed before CONNACK') });
    });
  });
}

/** What `useGatewayWithBystander` gives a spec: the current test's gateway and raw clients on it. */
export interface BystanderFixture {
  readonly tg: TestGateway;
  /** A v5 client subscribed to `bystander/#`. */
  readonly bystander: MqttClient;
  /** A raw socket that has sent nothing yet. */
  open(protocolVersion?: 3 | 4 | 5): Promise<RawClient>;
  /** A raw client past its CONNACK. */
  connected(protocolVersion: 3 | 4 | 5, connect?: Partial<IConnectPacket>): Promise<RawClient>;
}

/**
 * For raw-byte specs: a fresh test gateway per test with a bystander client
 * subscribed on it. After each test the bystander must still get its own
 * message — a hostile input costs only its own connection — and every raw
 * client the test opened is destroyed.
 */
export function useGatewayWithBystander(): BystanderFixture {
  let bystander: MqttClient | undefined;
  const fixture = useTestGateway({
    afterStart: async (f) => {
      bystander = await f.client('bystander', { protocolVersion: 5 });
      await bystander.subscribeAsync('bystander/#');
    },
    beforeStop: async () => {
      const b = current();
      const got = nextMessage(b);
      await b.publishAsync('bystander/ping', 'ok', { qos: 1 });
      expect((await got).payload.toString()).toBe('ok');
    },
  });
  const current = (): MqttClient => {
    if (!bystander) throw new Error('useGatewayWithBystander: no bystander outside a test');
    return bystander;
  };

  return {
    get tg() {
      return fixture.tg;
    },
    get bystander() {
      return current();
    },
    open: (protocolVersion) => fixture.open(protocolVersion),
    connected: (protocolVersion, connect) => fixture.connected(protocolVersion, connect),
  };
}

/** What `useTestGateway` gives a spec: the current test's gateway and clients on it, all closed after the test. */
export interface GatewayFixture {
  readonly tg: TestGateway;
  /** An MQTT.js client (v5 unless `options` says otherwise). */
  client(clientId: string, options?: IClientOptions): Promise<MqttClient>;
  /** A raw socket that has sent nothing yet. */
  open(protocolVersion?: 3 | 4 | 5): Promise<RawClient>;
  /** A raw client past its CONNACK. */
  connected(protocolVersion: 3 | 4 | 5, connect?: Partial<IConnectPacket>): Promise<RawClient>;
  /** Replaces this test's gateway with one of another configuration. */
  restart(gateway: Partial<MqpConfig['gateway']>): Promise<TestGateway>;
}

/** What a fixture built on `useTestGateway` does around each test, with the test's gateway running. */
export interface GatewayTestHooks {
  afterStart?(fixture: GatewayFixture): Promise<void>;
  /** Its checks run before the clients are closed; the clean-up runs even when they fail. */
  beforeStop?(fixture: GatewayFixture): Promise<void>;
}

/** A fresh test gateway per test; every client a test opened through the fixture is closed after it. */
export function useTestGateway(hooks: GatewayTestHooks = {}): GatewayFixture {
  let tg: TestGateway | undefined;
  const clients: MqttClient[] = [];
  const raws: RawClient[] = [];
  const gateway = (): TestGateway => {
    if (!tg) throw new Error('useTestGateway: no gateway outside a test');
    return tg;
  };
  const keepRaw = (r: RawClient): RawClient => {
    raws.push(r);
    return r;
  };
  const keep = (c: MqttClient): MqttClient => {
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    tg = await startTestGateway();
    await hooks.afterStart?.(fixture);
  });

  afterEach(async () => {
    try {
      await hooks.beforeStop?.(fixture);
    } finally {
      for (const r of raws.splice(0)) r.destroy();
      await Promise.all(clients.splice(0).map(closeClient));
      await gateway().stop();
      tg = undefined;
    }
  });

  const fixture: GatewayFixture = {
    get tg() {
      return gateway();
    },
    client: async (clientId, options = {}) => keep(await connectClient(gateway(), { clientId, protocolVersion: 5, ...options })),
    open: async (protocolVersion = 4) => keepRaw(await RawClient.open(gateway().port, protocolVersion)),
    connected: async (protocolVersion, connect = {}) => keepRaw(await RawClient.connected(gateway().port, protocolVersion, connect)),
    restart: async (config) => {
      await gateway().stop();
      tg = await startTestGateway(config);
      return tg;
    },
  };
  return fixture;
}
