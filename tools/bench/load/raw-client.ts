import { connect, type Socket } from 'node:net';
import { Framer, type FrameHandler } from './framer';
import { connectPacket, DISCONNECT, pubacks, subscribePacket } from './packets';

/** What a client does with incoming PUBLISH and PUBACK (set by the scenario). */
export interface ClientSink {
  onMessage(buf: Buffer, payloadStart: number, end: number): void;
  onPuback(packetId: number): void;
}

export interface OpenOptions {
  timeoutMs?: number;
  /** Seconds. */
  keepalive?: number;
  clean?: boolean;
  sink?: ClientSink;
  /** The local address to connect from (see sourceAddress in scenarios.ts); the kernel picks one by default. */
  localAddress?: string;
}

const NO_SINK: ClientSink = { onMessage: () => undefined, onPuback: () => undefined };

/**
 * One MQTT connection on a raw socket: no client library, no per-packet
 * objects. QoS 1 deliveries are acknowledged in one write per socket read.
 */
export class RawClient implements FrameHandler {
  sink: ClientSink = NO_SINK;
  private readonly framer = new Framer(this);
  private ackIds = new Uint16Array(256);
  private ackCount = 0;
  private waiting: { kind: 'connack' | 'suback'; resolve: (v: number) => void; reject: (e: Error) => void } | undefined;
  closed = false;
  error: string | undefined;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.framer.push(chunk);
        if (this.ackCount > 0) {
          socket.write(pubacks(this.ackIds, this.ackCount));
          this.ackCount = 0;
        }
      } catch (err) {
        this.fail(`frame handling failed: ${(err as Error).message}`);
      }
    });
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => {
      this.closed = true;
      this.fail('connection closed');
    });
  }

  /**
   * Connects and waits for a successful CONNACK; rejects on refusal, error or
   * timeout. `clean: false` keeps a persistent session; `sink` is set before
   * CONNECT is sent, so messages a session had queued (they can arrive in the
   * same read as the CONNACK) are not missed.
   */
  static open(port: number, clientId: string, options: OpenOptions = {}): Promise<RawClient> {
    const { timeoutMs = 10_000, keepalive = 300, clean = true, sink, localAddress } = options;
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    const client = new RawClient(socket);
    if (sink) client.sink = sink;
    const acked = client.expect('connack', timeoutMs);
    socket.write(connectPacket(clientId, keepalive, clean));
    return acked.then((code) => {
      if (code !== 0) {
        client.destroy();
        throw new Error(`CONNACK return code ${code}`);
      }
      return client;
    });
  }

  subscribe(filter: string, qos: 0 | 1, timeoutMs = 10_000): Promise<number> {
    const acked = this.expect('suback', timeoutMs);
    this.socket.write(subscribePacket(filter, qos));
    return acked.then((granted) => {
      if (granted >= 0x80) throw new Error(`subscription to ${filter} refused (${granted})`);
      return granted;
    });
  }

  /** Writes pre-encoded bytes; false when the socket buffer is full (wait for 'drain'). */
  write(buf: Buffer): boolean {
    return this.socket.write(buf);
  }

  /** A clean DISCONNECT, then the socket is closed. */
  close(): void {
    if (this.closed) return;
    this.socket.end(DISCONNECT);
    this.socket.setTimeout(2000, () => this.socket.destroy());
  }

  destroy(): void {
    this.socket.destroy();
  }

  onPublish(buf: Buffer, payloadStart: number, end: number, qos: number, packetId: number): void {
    if (qos === 1) {
      if (this.ackCount === this.ackIds.length) {
        const bigger = new Uint16Array(this.ackIds.length * 2);
        bigger.set(this.ackIds);
        this.ackIds = bigger;
      }
      this.ackIds[this.ackCount++] = packetId;
    }
    this.sink.onMessage(buf, payloadStart, end);
  }

  onPuback(packetId: number): void {
    this.sink.onPuback(packetId);
  }

  onConnack(returnCode: number): void {
    this.settle('connack', returnCode);
  }

  onSuback(_packetId: number, grantedQos: number): void {
    this.settle('suback', grantedQos);
  }

  onError(message: string): void {
    this.fail(message);
    this.socket.destroy();
  }

  private expect(kind: 'connack' | 'suback', timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.socket.destroy();
        reject(new Error(`no ${kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        kind,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  private settle(kind: 'connack' | 'suback', value: number): void {
    const w = this.waiting;
    if (w?.kind !== kind) return;
    this.waiting = undefined;
    w.resolve(value);
  }

  private fail(message: string): void {
    this.error ??= message;
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    w.reject(new Error(message));
  }
}

/**
 * Runs `open` for every item with at most `concurrency` in flight; stops
 * starting new ones at the deadline. Returns what opened and the failures.
 */
export async function openAll<T>(
  count: number,
  open: (index: number) => Promise<T>,
  concurrency: number,
  deadline: number,
): Promise<{ opened: (T | undefined)[]; failures: string[] }> {
  const opened: (T | undefined)[] = new Array<T | undefined>(count);
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      try {
        opened[i] = await open(i);
      } catch (err) {
        failures.push(`#${i}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (next < count) failures.push(`${count - next} not attempted before the deadline`);
  return { opened, failures };
}
