import { createConnection } from 'node:net';
import { InvalidArgumentError, ServiceUnavailableError } from '@mqp/model';
import { silentLogger, type Logger } from '@mqp/runtime';
import type { BusMessage, BusState } from '../bus.port';
import { InProcessBus } from '../in-process.bus';
import { describeBusContract } from '../testing';
import { BusHub } from './bus-hub';
import { HubClientBus } from './hub-client.bus';
import { FrameDecoder, FrameEncoder, type HubFrame } from './hub-frames';
import { recordingLogger, socketDir } from './hub.test-harness';

interface Started {
  main: InProcessBus;
  hub: BusHub;
  path: string;
  connect(name?: string, logger?: Logger): Promise<HubClientBus>;
  stop(): Promise<void>;
}

/** The main process's bus, its hub on a fresh socket, and clients that stop() closes. */
async function startHub(options: { hubLogger?: Logger; path?: string; maxFrameSize?: number } = {}): Promise<Started> {
  const dir = await socketDir();
  const main = new InProcessBus({ logger: silentLogger });
  const hub = new BusHub(main, { logger: options.hubLogger ?? silentLogger, maxFrameSize: options.maxFrameSize });
  const path = options.path ?? dir.path('bus.sock');
  await hub.listen(path);
  const clients: HubClientBus[] = [];
  return {
    main,
    hub,
    path,
    connect: async (name, logger = silentLogger) => {
      const client = await HubClientBus.connect({ path, name, logger, maxFrameSize: options.maxFrameSize });
      clients.push(client);
      return client;
    },
    stop: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await hub.close();
      await main.close();
      await dir.remove();
    },
  };
}

describe('HubClientBus through a BusHub', () => {
  describeBusContract('hub client (two clients of one hub)', async () => {
    const started = await startHub();
    const bus = await started.connect('contract-1');
    const second = await started.connect('contract-2');
    return { bus, second, cleanup: () => started.stop() };
  });

  describeBusContract('hub client (a client and the main process)', async () => {
    const started = await startHub();
    const bus = await started.connect('contract-1');
    return { bus, second: started.main, cleanup: () => started.stop() };
  });

  describe('with a hub', () => {
    let started: Started;
    const data = new Uint8Array([1]);

    beforeEach(async () => {
      started = await startHub();
    });

    afterEach(() => started.stop());

    it('hands each message its own bytes, not a view of a whole read chunk a kept message would hold', async () => {
      const client = await started.connect('keeper');
      const kept: Uint8Array[] = [];
      client.subscribe('kept', (m) => kept.push(m.data));
      await client.flush();
      // 1,000 frames of ~120 bytes arrive in read chunks of up to 64 KiB
      for (let i = 0; i < 1000; i++) started.main.publish('kept', new Uint8Array(100).fill(i % 256));
      await started.main.flush();
      await client.flush();
      expect(kept).toHaveLength(1000);
      expect(Math.max(...kept.map((d) => d.buffer.byteLength))).toBeLessThanOrEqual(Buffer.poolSize);
      expect(kept.every((d, i) => d.byteLength === 100 && d[99] === i % 256)).toBe(true);
    });

    it('gives each message to one member of a queue group whose members are on two clients, once overall', async () => {
      const [a, b] = await Promise.all([started.connect('a'), started.connect('b')]);
      const got: number[][] = [[], []];
      a.subscribe('jobs.*', (m) => got[0]!.push(m.data[0]!), { queue: 'workers' });
      b.subscribe('jobs.*', (m) => got[1]!.push(m.data[0]!), { queue: 'workers' });
      await Promise.all([a.flush(), b.flush()]);
      for (let i = 0; i < 100; i++) started.main.publish(`jobs.${i}`, new Uint8Array([i]));
      await started.main.flush();
      await Promise.all([a.flush(), b.flush()]);
      expect([...got[0]!, ...got[1]!].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // the main process's round-robin spreads the group over both clients
      expect(got[0]!.length).toBe(50);
      expect(got[1]!.length).toBe(50);
    });

    it("settle() on a client waits until the work a main-process handler returned is done", async () => {
      let release!: () => void;
      let stored = false;
      const handled = new Promise<void>((called) =>
        started.main.subscribe('capture', () => {
          called();
          return new Promise<void>((r) => (release = r)).then(() => void (stored = true));
        }),
      );
      const client = await started.connect();
      client.publish('capture', data);
      let settled = false;
      const settling = client.settle().then(() => (settled = true));
      await handled;
      await client.flush(); // a round trip after the SETTLE: its answer would have come by now
      expect(settled).toBe(false);
      release();
      await settling;
      expect(stored).toBe(true);
    });

    it("settle() on a client rejects with the reason when a main-process handler's work fails", async () => {
      started.main.subscribe('capture', () => Promise.reject(new Error('disk full')));
      const client = await started.connect();
      client.publish('capture', data);
      const settling = client.settle();
      await expect(settling).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(settling).rejects.toThrow('bus settle failed in the hub: disk full');
    });

    it('settle() callers of one turn share one SETTLE, which covers what each of them published', async () => {
      const releases: (() => void)[] = [];
      started.main.subscribe('capture', () => new Promise<void>((r) => releases.push(r)));
      const client = await started.connect();
      const settles: Promise<void>[] = [];
      for (let i = 0; i < 3; i++) {
        client.publish('capture', data);
        settles.push(client.settle());
      }
      expect(settles[0]).toBe(settles[2]);
      await client.flush();
      expect(releases).toHaveLength(3);
      let done = false;
      settles[0]!.then(() => (done = true));
      releases[0]!();
      releases[1]!();
      await client.flush();
      expect(done).toBe(false); // the first caller waits for the third message too: it shares the SETTLE written after it
      releases[2]!();
      await Promise.all(settles);
    });

    it.each(['closes', 'crashes'])('a client that %s leaves no subscription behind on the hub', async (how) => {
      const log = recordingLogger();
      const own = await startHub({ hubLogger: log.logger });
      try {
        const local: number[] = [];
        own.main.subscribe('work', (m) => local.push(m.data[0]!), { queue: 'g' });
        const leave = how === 'closes' ? await closingClient(own) : await crashingClient(own.path);
        // the client's member takes every other message while connected: proof it was subscribed
        own.main.publish('work', new Uint8Array([0]));
        own.main.publish('work', new Uint8Array([1]));
        await own.main.flush();
        expect(local).toHaveLength(1);
        await leave.received(1);

        await leave.go();
        await log.line(/bus hub client disconnected.*subscriptions=1/);
        for (let i = 2; i < 12; i++) own.main.publish('work', new Uint8Array([i]));
        await own.main.flush();
        // with the client's member left behind, half of these would have gone to a closed socket
        expect(local).toEqual([local[0], 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      } finally {
        await own.stop();
      }
    });

    it('when the hub closes, a client goes closed, tells its listeners, rejects pending flush and settle, and refuses further use', async () => {
      const log = recordingLogger();
      const client = await started.connect('worker-1', log.logger);
      const states: BusState[] = [];
      client.onStateChange((s) => states.push(s));
      started.main.subscribe('never', () => new Promise(() => undefined));
      client.publish('never', data);
      // outcomes taken at once: the rejections come in the same turn as the state change
      const settling = client.settle().catch((err: unknown) => err);
      const flushing = client.flush().catch((err: unknown) => err);
      const closed = new Promise<void>((resolve) => client.onStateChange((s) => s === 'closed' && resolve()));

      await started.hub.close();
      await closed;
      expect(client.state()).toBe('closed');
      expect(states).toEqual(['closed']);
      expect(await flushing).toBeInstanceOf(ServiceUnavailableError);
      expect(await settling).toBeInstanceOf(ServiceUnavailableError);
      expect(() => client.publish('after', data)).toThrow(ServiceUnavailableError);
      expect(() => client.subscribe('after', () => undefined)).toThrow(ServiceUnavailableError);
      await expect(client.flush()).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(log.lines.join('\n')).toMatch(/ERROR .*lost the connection to the bus hub/);
    });

    it('delivers 10,000 publishes of one event-loop turn to the main process in publish order', async () => {
      const client = await started.connect();
      const got: number[] = [];
      started.main.subscribe('batch.>', (m) => got.push(Buffer.from(m.data).readUInt32BE(0)));
      for (let i = 0; i < 10_000; i++) {
        // some large ones, so the batch spans several slabs and several socket reads on the hub side
        const payload = Buffer.alloc(i % 1000 === 0 ? 100_000 : 4);
        payload.writeUInt32BE(i);
        client.publish(`batch.${i % 7}`, payload);
      }
      await client.flush();
      expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    });

    it('flush() resolves after its own subscriptions handled every message published before it, however long the hub takes to deliver them', async () => {
      // more than InProcessBus delivers in one drain (4,096), so the hub's bus yields to the event loop midway
      const client = await started.connect();
      let count = 0;
      client.subscribe('own', () => count++);
      for (let i = 0; i < 10_000; i++) client.publish('own', data);
      await client.flush();
      expect(count).toBe(10_000);
    });

    it('copies a payload at publish, so the publisher may reuse its buffer at once', async () => {
      const client = await started.connect();
      const got: string[] = [];
      started.main.subscribe('reuse', (m) => got.push(Buffer.from(m.data).toString()));
      const buffer = Buffer.from('one');
      client.publish('reuse', buffer);
      buffer.write('two');
      client.publish('reuse', buffer);
      buffer.write('xxx');
      await client.flush();
      expect(got).toEqual(['one', 'two']);
    });

    it('keeps an empty header record from a main-process publisher an empty record, and absent headers absent', async () => {
      const client = await started.connect();
      const got: BusMessage[] = [];
      client.subscribe('h', (m) => got.push(m));
      await client.flush();
      started.main.publish('h', data, {});
      started.main.publish('h', data);
      await started.main.flush();
      await client.flush();
      expect(got.map((m) => (m.headers === undefined ? 'absent' : Object.keys(m.headers).length))).toEqual([0, 'absent']);
    });

    it('logs a client handler whose returned promise rejects instead of leaving the rejection unhandled', async () => {
      const log = recordingLogger();
      const client = await started.connect(undefined, log.logger);
      client.subscribe('fails', () => Promise.reject(new Error('async failure')));
      await client.flush();
      started.main.publish('fails', data);
      await log.line(/ERROR .*bus handler work failed.*subject=fails.*error="async failure"/);
    });

    it('refuses a publish over the frame size limit with InvalidArgumentError and keeps working', async () => {
      const small = await startHub({ maxFrameSize: 1024 });
      try {
        const client = await small.connect();
        const got: number[] = [];
        small.main.subscribe('size', (m) => got.push(m.data.length));
        expect(() => client.publish('size', new Uint8Array(2000))).toThrow(InvalidArgumentError);
        client.publish('size', new Uint8Array(1000));
        await client.flush();
        expect(got).toEqual([1000]);
      } finally {
        await small.stop();
      }
    });

    it("logs the client's name when it connects", async () => {
      const log = recordingLogger();
      const own = await startHub({ hubLogger: log.logger });
      try {
        await own.connect('gateway-worker-2');
        await log.line(/INFO .*bus hub client connected.*client=gateway-worker-2/);
      } finally {
        await own.stop();
      }
    });

    it('fails to connect with ServiceUnavailableError when no hub listens at the path', async () => {
      const dir = await socketDir();
      try {
        const connecting = HubClientBus.connect({ path: dir.path('nobody.sock'), logger: silentLogger });
        await expect(connecting).rejects.toBeInstanceOf(ServiceUnavailableError);
        await expect(connecting).rejects.toThrow(`could not reach the bus hub at ${dir.path('nobody.sock')}`);
      } finally {
        await dir.remove();
      }
    });

    (process.platform === 'linux' ? it : it.skip)('serves clients on a Linux abstract socket name', async () => {
      const own = await startHub({ path: `\0mqp-hub-test-${process.pid}-${Date.now()}` });
      try {
        const client = await own.connect();
        const got: string[] = [];
        own.main.subscribe('abstract', (m) => got.push(Buffer.from(m.data).toString()));
        client.publish('abstract', Buffer.from('reached'));
        await client.flush();
        expect(got).toEqual(['reached']);
      } finally {
        await own.stop();
      }
    });
  });
});

interface LeavingClient {
  /** Resolves once the client received `n` messages. */
  received(n: number): Promise<void>;
  go(): Promise<void>;
}

/** A HubClientBus in queue group `g` on `work`, leaving by close(). */
async function closingClient(started: Started): Promise<LeavingClient> {
  const client = await started.connect('leaving');
  let count = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  client.subscribe(
    'work',
    () => {
      count++;
      if (waiter && count >= waiter.n) waiter.resolve();
    },
    { queue: 'g' },
  );
  await client.flush();
  return {
    received: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => (waiter = { n, resolve }))),
    go: () => client.close(),
  };
}

/** A raw connection in queue group `g` on `work`, leaving without a word (a worker that crashed). */
async function crashingClient(path: string): Promise<LeavingClient> {
  const socket = createConnection({ path });
  await new Promise((resolve) => socket.once('connect', resolve));
  const frames: HubFrame[] = [];
  let waiter: (() => void) | undefined;
  const decoder = new FrameDecoder((f) => {
    frames.push(f);
    waiter?.();
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((resolve) => (waiter = resolve));
  };
  const encoder = new FrameEncoder();
  encoder.write({ type: 'sub', sid: 1, subject: 'work', queue: 'g' });
  encoder.write({ type: 'ping', id: 1 });
  socket.write(encoder.take() as Buffer);
  await until(() => frames.some((f) => f.type === 'pong'));
  return {
    received: (n) => until(() => frames.filter((f) => f.type === 'msg').length >= n),
    go: async () => {
      socket.destroy();
    },
  };
}
