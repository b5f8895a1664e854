import { EventEmitter } from 'node:events';
import { silentLogger } from '@mqp/runtime';
import { Connection } from './connection';
import { DeadlineWheel } from './deadline-wheel';
import type { GatewayContext } from './gateway-context';
import type { TransportSocket } from './listeners/transport';

/** Just enough of a socket for a Connection that is never read from. */
function fakeSocket(): TransportSocket {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress: '127.0.0.1',
    destroyed: false,
    writable: true,
    writableLength: 0,
    writableCorked: 0,
    setNoDelay: () => socket,
    write: () => true,
    cork: () => undefined,
    uncork: () => undefined,
    end: () => socket,
    destroy: () => socket,
    pause: () => socket,
    resume: () => socket,
  });
  return socket as unknown as TransportSocket;
}

function connection(deadlines: DeadlineWheel<Connection>, dispatch: () => Promise<void> | void = () => undefined): Connection {
  const ctx = {
    config: { maxMessageRate: 0, maxPacketSize: 1_048_576, connectTimeoutMs: 10_000 },
    deadlines,
    logger: silentLogger,
  } as unknown as GatewayContext;
  return new Connection(fakeSocket(), ctx, { dispatch, closed: () => undefined });
}

/** Lets every settled promise run its callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<boolean>; resolve: (handedOver: boolean) => void } {
  let resolve!: (handedOver: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Connection.acknowledgeInOrder', () => {
  const deadlines = new DeadlineWheel<Connection>(Connection.deadlineReached);
  afterAll(() => deadlines.clear());

  it('sends an acknowledgement with nothing to wait for at once', () => {
    const sent: string[] = [];
    connection(deadlines).acknowledgeInOrder(() => sent.push('a'));
    expect(sent).toEqual(['a']);
  });

  it('keeps the order of the PUBLISHes while earlier ones wait for the bus [MQTT-4.6.0-2] [MQTT-4.6.0-3]', async () => {
    const conn = connection(deadlines);
    const sent: string[] = [];
    const first = deferred();
    const second = deferred();
    conn.acknowledgeInOrder(() => sent.push('1'), first.promise);
    conn.acknowledgeInOrder(() => sent.push('2'), second.promise);
    first.resolve(true);
    await settle();
    // the first is out, the second still waits: a third with nothing of its own to wait for must queue behind it
    conn.acknowledgeInOrder(() => sent.push('3'));
    expect(sent).toEqual(['1']);
    second.resolve(true);
    await settle();
    expect(sent).toEqual(['1', '2', '3']);
    // all out: the next goes at once again
    conn.acknowledgeInOrder(() => sent.push('4'));
    expect(sent).toEqual(['1', '2', '3', '4']);
  });

  it('never sends the acknowledgement of a message that was not handed over, and keeps going after it', async () => {
    const conn = connection(deadlines);
    const sent: string[] = [];
    const refused = deferred();
    conn.acknowledgeInOrder(() => sent.push('refused'), refused.promise);
    conn.acknowledgeInOrder(() => sent.push('next'));
    refused.resolve(false);
    await settle();
    expect(sent).toEqual(['next']);
  });
});

describe('Connection packet handling', () => {
  const deadlines = new DeadlineWheel<Connection>(Connection.deadlineReached);
  afterAll(() => deadlines.clear());
  const PINGREQ = Buffer.from([0xc0, 0x00]);

  it('handles packets one at a time in arrival order, a slow handler holding the ones after it', async () => {
    const handled: string[] = [];
    let release!: () => void;
    let calls = 0;
    const conn = connection(deadlines, () => {
      const n = ++calls;
      handled.push(`start ${n}`);
      if (n !== 1) return undefined;
      return new Promise<void>((resolve) => (release = resolve)).then(() => void handled.push('end 1'));
    });
    (conn.socket as unknown as EventEmitter).emit('data', Buffer.concat([PINGREQ, PINGREQ, PINGREQ]));
    expect(handled).toEqual(['start 1']);
    release();
    await settle();
    expect(handled).toEqual(['start 1', 'end 1', 'start 2', 'start 3']);
  });

  it('closes the connection when a handler throws, synchronously or not', async () => {
    const sync = connection(deadlines, () => {
      throw new Error('bug');
    });
    (sync.socket as unknown as EventEmitter).emit('data', PINGREQ);
    expect(sync.isClosed).toBe(true);
    const later = connection(deadlines, () => Promise.reject(new Error('bug')));
    (later.socket as unknown as EventEmitter).emit('data', PINGREQ);
    await settle();
    expect(later.isClosed).toBe(true);
  });
});
