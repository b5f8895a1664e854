import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InProcessBus } from '@mqp/bus';
import { integrationSchema } from '@mqp/config';
import { encodeMessage, subjects } from '@mqp/contracts';
import { ConfigError, type ClientConnectedEvent, type Message } from '@mqp/model';
import { MetricsRegistry, silentLogger } from '@mqp/runtime';
import { IntegrationService } from './integration.service';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A webhook endpoint on 127.0.0.1:0; `statuses` are answered in turn, then 200. */
class Endpoint {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end();
        this.waiters = this.waiters.filter((w) => (this.received.length >= w.count ? (w.resolve(), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests arrived in all. */
  receivedCount(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let seq = 0;
function message(topic: string, payload: Buffer | string = 'hello', over: Partial<Message> = {}): Message {
  return {
    id: `msg-${++seq}`,
    topic,
    payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
    qos: 1,
    retain: false,
    origin: { clientId: 'publisher-1', gatewayId: 'gw-1' },
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

describe('IntegrationService webhooks', () => {
  let bus: InProcessBus;
  let endpoint: Endpoint;
  let metrics: MetricsRegistry;
  const services: IntegrationService[] = [];

  async function startService(webhooks: unknown[]): Promise<IntegrationService> {
    const service = new IntegrationService({
      bus,
      webhooks: integrationSchema.parse({ webhooks }).webhooks,
      logger: silentLogger,
      metrics,
      connectorOptions: { retryDelaysMs: [5, 5] },
    });
    services.push(service);
    await service.start();
    return service;
  }

  function publish(m: Message): void {
    bus.publish(subjects.message(m.topic), encodeMessage(m));
  }

  /** Everything published has been delivered and every POST it caused has settled. */
  async function settle(): Promise<void> {
    await bus.flush();
    for (const s of services) await s.idle();
  }

  beforeEach(async () => {
    bus = new InProcessBus({ logger: silentLogger });
    metrics = new MetricsRegistry();
    endpoint = new Endpoint();
    await endpoint.start();
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await bus.close();
    await endpoint.close();
  });

  it('POSTs a matching message as JSON and nothing for a non-matching one', async () => {
    await startService([{ name: 'hook', url: `${endpoint.url}/in`, topics: ['sensors/+/temp'], headers: { authorization: 'Bearer t' } }]);
    publish(message('other/topic'));
    const m = message('sensors/1/temp', '21.5', { properties: { userProperties: [['unit', 'C'], ['unit', 'K']] } });
    publish(m);
    await endpoint.receivedCount(1);
    await settle();
    expect(endpoint.received).toHaveLength(1);
    const [got] = endpoint.received;
    expect(got?.path).toBe('/in');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['authorization']).toBe('Bearer t');
    expect(got?.body).toEqual({
      event: 'message.publish',
      id: m.id,
      topic: 'sensors/1/temp',
      qos: 1,
      retain: false,
      payload: '21.5',
      clientId: 'publisher-1',
      timestamp: 1_700_000_000_000,
      userProperties: [['unit', 'C'], ['unit', 'K']],
    });
    expect(metrics.value('mqp_integration_sent_total')).toBe(1);
  });

  it('sends a payload that is not valid UTF-8 as base64', async () => {
    await startService([{ name: 'hook', url: endpoint.url, topics: ['bin'] }]);
    publish(message('bin', Buffer.from([0xff, 0x00, 0xfe])));
    await endpoint.receivedCount(1);
    expect(endpoint.received[0]?.body).toMatchObject({ payload: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'), payloadEncoding: 'base64' });
  });

  it('POSTs once per webhook when several of its filters, and other webhooks\' filters, overlap', async () => {
    const other = new Endpoint();
    await other.start();
    try {
      await startService([
        { name: 'one', url: endpoint.url, topics: ['a/#', 'a/+', 'a/b'] },
        { name: 'two', url: other.url, topics: ['+/b'] },
      ]);
      const m = message('a/b');
      publish(m);
      await settle();
      expect(endpoint.received.map((r) => r.body['id'])).toEqual([m.id]);
      expect(other.received.map((r) => r.body['id'])).toEqual([m.id]);
    } finally {
      await other.close();
    }
  });

  it('shares the work between instances in the queue group: each message is POSTed once', async () => {
    const webhooks = [{ name: 'hook', url: endpoint.url, topics: ['t/#', 't/+'] }];
    await startService(webhooks);
    await startService(webhooks);
    const ids = [message('t/1'), message('t/2'), message('t/3'), message('t/4')].map((m) => (publish(m), m.id));
    await settle();
    expect(endpoint.received.map((r) => r.body['id']).sort()).toEqual(ids.sort());
  });

  it("does not send '$' topics to a '#' webhook [MQTT-4.7.2-1]", async () => {
    await startService([{ name: 'hook', url: endpoint.url, topics: ['#'] }]);
    publish(message('$SYS/broker/uptime'));
    publish(message('plain'));
    await endpoint.receivedCount(1);
    await settle();
    expect(endpoint.received.map((r) => r.body['topic'])).toEqual(['plain']);
  });

  it('retries after a 500 and succeeds', async () => {
    endpoint.statuses = [500];
    await startService([{ name: 'hook', url: endpoint.url, topics: ['t'] }]);
    const m = message('t');
    publish(m);
    await endpoint.receivedCount(2);
    await settle();
    expect(endpoint.received.map((r) => r.body['id'])).toEqual([m.id, m.id]);
    expect(metrics.value('mqp_integration_sent_total')).toBe(1);
    expect(metrics.value('mqp_integration_failed_total')).toBe(0);
  });

  it('gives up after 3 attempts, counts the failure and keeps handling later messages', async () => {
    endpoint.statuses = [500, 502, 503];
    const service = await startService([{ name: 'hook', url: endpoint.url, topics: ['t'] }]);
    publish(message('t'));
    await settle();
    expect(endpoint.received).toHaveLength(3);
    expect(metrics.value('mqp_integration_failed_total')).toBe(1);
    expect(service.health()).toEqual([{ name: 'hook', healthy: false, detail: 'HTTP 503' }]);
    publish(message('t'));
    await settle();
    expect(endpoint.received).toHaveLength(4);
    expect(service.health()).toEqual([{ name: 'hook', healthy: true }]);
  });

  it('does not retry a 4xx answer', async () => {
    endpoint.statuses = [400];
    await startService([{ name: 'hook', url: endpoint.url, topics: ['t'] }]);
    publish(message('t'));
    await settle();
    expect(endpoint.received).toHaveLength(1);
    expect(metrics.value('mqp_integration_failed_total')).toBe(1);
  });

  it('counts an unreachable endpoint as failed without throwing out of the bus handler', async () => {
    const url = endpoint.url;
    await endpoint.close();
    endpoint = new Endpoint();
    await endpoint.start();
    await startService([{ name: 'dead', url, topics: ['t'] }]);
    publish(message('t'));
    await settle();
    expect(metrics.value('mqp_integration_failed_total')).toBe(1);
  });

  it('survives a bus message that is not a message envelope', async () => {
    await startService([{ name: 'hook', url: endpoint.url, topics: ['t'] }]);
    bus.publish(subjects.message('t'), Buffer.from('garbage'));
    publish(message('t'));
    await endpoint.receivedCount(1);
    await settle();
    expect(endpoint.received).toHaveLength(1);
  });

  it('POSTs the client events a webhook lists, and no others', async () => {
    await startService([{ name: 'hook', url: endpoint.url, events: ['client.connected'] }]);
    const connected: ClientConnectedEvent = {
      name: 'client.connected',
      timestamp: 1_700_000_000_000,
      clientId: 'c1',
      gatewayId: 'gw-1',
      remoteAddress: '127.0.0.1',
      protocolVersion: 5,
      keepAlive: 60,
      cleanStart: true,
    };
    bus.publish(subjects.event('client.disconnected'), Buffer.from(JSON.stringify({ name: 'client.disconnected', clientId: 'c1' })));
    bus.publish(subjects.event('client.connected'), Buffer.from(JSON.stringify(connected)));
    await endpoint.receivedCount(1);
    await settle();
    expect(endpoint.received.map((r) => r.body)).toEqual([
      { event: 'client.connected', timestamp: 1_700_000_000_000, clientId: 'c1', gatewayId: 'gw-1', remoteAddress: '127.0.0.1', protocolVersion: 5, keepAlive: 60, cleanStart: true },
    ]);
  });

  it('refuses invalid filters and unknown event names at construction, listing every problem', () => {
    const webhooks = integrationSchema.parse({ webhooks: [{ name: 'bad', url: endpoint.url, topics: ['a/#/b', '$share/g/x'], events: ['nope'] }] }).webhooks;
    let error: unknown;
    try {
      new IntegrationService({ bus, webhooks, logger: silentLogger, metrics });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
  });
});
