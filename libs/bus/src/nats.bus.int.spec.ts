import { ServiceUnavailableError } from '@mqp/model';
import { createLogger, silentLogger } from '@mqp/runtime';
import { freePort, startNatsServer, until, type NatsServerHandle } from '@mqp/testing';
import type { BusMessage, BusState } from './bus.port';
import { NatsBus } from './nats.bus';
import { describeBusContract, inPlacePayload } from './testing';

describe('NatsBus on a real nats-server', () => {
  let server: NatsServerHandle;

  beforeAll(async () => {
    server = await startNatsServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeBusContract('NATS', async () => {
    const bus = await NatsBus.connect({ servers: server.url, name: 'contract-1', logger: silentLogger });
    const second = await NatsBus.connect({ servers: server.url, name: 'contract-2', logger: silentLogger });
    return {
      bus,
      second,
      cleanup: async () => {
        await Promise.all([bus.close(), second.close()]);
      },
    };
  });

  it('sends no NATS header block for a message published without headers', async () => {
    // Checked from the raw nats.js side: our receive path would map "no block" and "empty block" alike.
    const { connect } = await import('nats');
    const raw = await connect({ servers: server.url });
    const bus = await NatsBus.connect({ servers: server.url, logger: silentLogger });
    try {
      const received = new Promise<boolean>((resolve) => {
        raw.subscribe('raw.check', { callback: (_err, msg) => resolve(msg.headers !== undefined) });
      });
      await raw.flush();
      bus.publish('raw.check', new Uint8Array([1]), {});
      expect(await received).toBe(false);
    } finally {
      await raw.close();
      await bus.close();
    }
  });

  describe('publishes batched per event-loop turn', () => {
    let bus: NatsBus;
    beforeEach(async () => {
      bus = await NatsBus.connect({ servers: server.url, logger: silentLogger });
    });
    afterEach(() => bus.close());

    it('keeps the order of commands: a message published before a subscribe on the same connection is not delivered to it', async () => {
      const got: string[] = [];
      bus.publish('order.self', Buffer.from('before'));
      bus.subscribe('order.self', (m) => {
        got.push(Buffer.from(m.data).toString());
      });
      bus.publish('order.self', Buffer.from('after'));
      await bus.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(['after']);
    });

    it('delivers 10,000 messages published in one turn, in order', async () => {
      const got: number[] = [];
      bus.subscribe('order.many', (m) => {
        got.push(Buffer.from(m.data).readUInt32BE(0));
      });
      for (let i = 0; i < 10_000; i++) {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(i);
        bus.publish('order.many', b);
      }
      await bus.settle();
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    });

    /**
     * Every NATS message under `prefix` as a raw nats.js client sees it (subject, Mqp-Run header), up to the message
     * on `${prefix}.end` that `ended` publishes last through the bus: the server keeps one publisher's order.
     */
    async function rawWatch(prefix: string): Promise<{ ended: () => Promise<{ subject: string; run: string | undefined }[]> }> {
      const { connect } = await import('nats');
      const raw = await connect({ servers: server.url });
      const seen: { subject: string; run: string | undefined }[] = [];
      let end: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (end = resolve));
      raw.subscribe(`${prefix}.>`, {
        callback: (_err, msg) => {
          if (msg.subject === `${prefix}.end`) end();
          else seen.push({ subject: msg.subject, run: msg.headers?.get('Mqp-Run') || undefined });
        },
      });
      await raw.flush();
      return {
        ended: async () => {
          bus.publish(`${prefix}.end`, new Uint8Array(0));
          await ended;
          await raw.close();
          return seen;
        },
      };
    }

    it('carries consecutive publishes of one turn to one subject as one NATS message, each delivered on its own and in order', async () => {
      const watch = await rawWatch('runs.one');
      const got: string[] = [];
      bus.subscribe('runs.one.x', (m) => {
        expect(m.headers).toBeUndefined();
        got.push(Buffer.from(m.data).toString());
      });
      await bus.flush();
      for (const text of ['a', '', 'c']) bus.publish('runs.one.x', Buffer.from(text));
      await bus.settle();
      expect(await watch.ended()).toEqual([{ subject: 'runs.one.x', run: '3' }]);
      await until('3 messages', () => got.length === 3, 5_000);
      expect(got).toEqual(['a', '', 'c']);
    });

    it('keeps the publish order across subjects: only neighbours on one subject share a NATS message, never one with headers', async () => {
      const watch = await rawWatch('runs.mix');
      const got: string[] = [];
      bus.subscribe('runs.mix.*', (m) => {
        if (!m.subject.endsWith('.end')) got.push(`${m.subject.slice(-1)}${Buffer.from(m.data).toString()}${m.headers?.['h'] ?? ''}`);
      });
      await bus.flush();
      bus.publish('runs.mix.a', Buffer.from('1'));
      bus.publish('runs.mix.b', Buffer.from('1'));
      bus.publish('runs.mix.a', Buffer.from('2'));
      bus.publish('runs.mix.a', Buffer.from('3'));
      bus.publish('runs.mix.a', Buffer.from('4'), { h: 'x' });
      bus.publish('runs.mix.b', Buffer.from('2'));
      expect(await watch.ended()).toEqual([
        { subject: 'runs.mix.a', run: undefined },
        { subject: 'runs.mix.b', run: undefined },
        { subject: 'runs.mix.a', run: '2' },
        { subject: 'runs.mix.a', run: undefined },
        { subject: 'runs.mix.b', run: undefined },
      ]);
      await until('6 messages', () => got.length === 6, 5_000);
      expect(got).toEqual(['a1', 'b1', 'a2', 'a3', 'a4x', 'b2']);
    });

    it('writes lazy payloads straight into the run buffer (encodeInto), a run of one too; one with headers is encoded whole', async () => {
      const watch = await rawWatch('runs.lazy');
      const got: string[] = [];
      bus.subscribe('runs.lazy.*', (m) => {
        if (!m.subject.endsWith('.end')) got.push(`${Buffer.from(m.data).toString()}${m.headers?.['h'] ?? ''}`);
      });
      await bus.flush();
      const calls = { encode: 0, encodeInto: 0 };
      for (const value of ['1', '2', '3']) bus.publish('runs.lazy.a', inPlacePayload(value, calls));
      bus.publish('runs.lazy.b', inPlacePayload('4', calls));
      bus.publish('runs.lazy.b', inPlacePayload('5', calls), { h: 'x' });
      expect((await watch.ended()).map((m) => m.run)).toEqual(['3', undefined, undefined]);
      expect(calls).toEqual({ encode: 1, encodeInto: 4 });
      await until('5 messages', () => got.length === 5, 5_000);
      expect(got).toEqual(['1', '2', '3', '4', '5x']);
    });

    it('refuses a lazy payload whose encoder fails, to its publisher, and sends the rest of the run as it was', async () => {
      const got: string[] = [];
      bus.subscribe('runs.broken.x', (m) => got.push(Buffer.from(m.data).toString()));
      await bus.flush();
      const broken = { ...inPlacePayload('never'), encodeInto: (): number => { throw new Error('encoder failed'); } };
      bus.publish('runs.broken.x', inPlacePayload('1'));
      expect(() => bus.publish('runs.broken.x', broken)).toThrow('encoder failed');
      bus.publish('runs.broken.x', inPlacePayload('2'));
      await until('2 messages', () => got.length === 2, 5_000);
      expect(got).toEqual(['1', '2']);
    });

    it('keeps a run within max_payload: a turn of publishes larger than it goes out as several runs, all delivered', async () => {
      const watch = await rawWatch('runs.big');
      let got = 0;
      bus.subscribe('runs.big.x', () => got++);
      await bus.flush();
      // 5 × 300 KB is more than the 1 MB max_payload of a default nats-server
      for (let i = 0; i < 5; i++) bus.publish('runs.big.x', new Uint8Array(300 * 1024));
      expect((await watch.ended()).map((m) => m.run)).toEqual(['3', '2']);
      await until('5 messages', () => got === 5, 5_000);
    });

    it('refuses at once what nats.js would refuse: over max_payload, or after close', async () => {
      expect(() => bus.publish('too.big', new Uint8Array(2 * 1024 * 1024))).toThrow('max_payload');
      await bus.close();
      expect(() => bus.publish('closed', new Uint8Array(1))).toThrow(ServiceUnavailableError);
    });
  });
});

describe('NatsBus across a nats-server restart', () => {
  let server: NatsServerHandle | undefined;
  const buses: NatsBus[] = [];

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await server?.stop();
    server = undefined;
  });

  it('goes reconnecting then connected, and an existing subscription gets messages published after the restart', async () => {
    server = await startNatsServer();
    const subscriber = await NatsBus.connect({ servers: server.url, name: 'subscriber', logger: silentLogger });
    const publisher = await NatsBus.connect({ servers: server.url, name: 'publisher', logger: silentLogger });
    buses.push(subscriber, publisher);
    const states: BusState[] = [];
    subscriber.onStateChange((s) => states.push(s));
    const received: BusMessage[] = [];
    let onReceive: (() => void) | undefined;
    subscriber.subscribe('restart.>', (m) => {
      received.push(m);
      onReceive?.();
    });
    await subscriber.flush();

    const reconnecting = untilState(subscriber, 'reconnecting');
    await server.kill('SIGKILL');
    await reconnecting;
    expect(subscriber.state()).toBe('reconnecting');

    const connected = Promise.all([untilState(subscriber, 'connected'), untilState(publisher, 'connected')]);
    await server.start();
    await connected;
    expect(states).toEqual(['reconnecting', 'connected']);

    // nats.js re-sent the SUB on reconnect; the flush proves the server has it.
    await subscriber.flush();
    const arrived = new Promise<void>((resolve) => (onReceive = resolve));
    publisher.publish('restart.after', new TextEncoder().encode('after restart'));
    await arrived;
    expect(received.map((m) => m.subject)).toEqual(['restart.after']);
  });

  it('settle fails for a publish made across a connection loss, even when a later flush succeeds on the new connection (nats.js drops its send buffer on redial)', async () => {
    server = await startNatsServer();
    const publisher = await NatsBus.connect({ servers: server.url, name: 'publisher', logger: silentLogger });
    buses.push(publisher);
    const reconnecting = untilState(publisher, 'reconnecting');
    await server.kill('SIGKILL');
    // published before the bus noticed the loss: its settle must not succeed on the next connection
    publisher.publish('loss.x', new TextEncoder().encode('unnoticed'));
    const unnoticed = publisher.settle().then(
      () => 'settled',
      (err: unknown) => (err instanceof ServiceUnavailableError ? 'refused' : `failed: ${String(err)}`),
    );
    await reconnecting;
    // while reconnecting, a settle is refused at once
    publisher.publish('loss.x', new TextEncoder().encode('while reconnecting'));
    await expect(publisher.settle()).rejects.toThrow(ServiceUnavailableError);

    const connected = untilState(publisher, 'connected');
    await server.start();
    await connected;
    expect(await unnoticed).toBe('refused');
    // a publish after the reconnect settles again
    publisher.publish('loss.x', new TextEncoder().encode('after'));
    await expect(publisher.settle()).resolves.toBeUndefined();
  });

  it('keeps retrying at boot until NATS comes up, logging each failed attempt', async () => {
    const port = await freePort();
    const lines: string[] = [];
    let logged: () => void = () => undefined;
    const firstFailure = new Promise<void>((resolve) => (logged = resolve));
    const connecting = NatsBus.connect({
      servers: `nats://127.0.0.1:${port}`,
      logger: createLogger({ level: 'debug', sink: (l) => (lines.push(l), logged()) }),
      connectTimeoutMs: 20_000,
    });
    await firstFailure;
    server = await startNatsServer({ port });
    const bus = await connecting;
    buses.push(bus);
    expect(bus.state()).toBe('connected');
    expect(lines[0]).toMatch(/WARN .*NATS not reachable yet, retrying/);
  });

  it('fails with ServiceUnavailableError when NATS stays unreachable past the boot timeout', async () => {
    const port = await freePort();
    await expect(
      NatsBus.connect({ servers: `nats://127.0.0.1:${port}`, logger: silentLogger, connectTimeoutMs: 300 }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

function untilState(bus: NatsBus, wanted: BusState): Promise<void> {
  if (bus.state() === wanted) return Promise.resolve();
  return new Promise((resolve) => bus.onStateChange((s) => s === wanted && resolve()));
}
