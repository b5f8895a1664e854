/**
 * Raw MQTT over a `net` socket, for the hostile-input suite: byte builders
 * for packets no client library would send (malformed lengths, reserved
 * flags, duplicated properties), and a client that reads back what the
 * server answers, packet by packet, and tells when the server closed.
 */
import { readFileSync } from 'node:fs';
import { connect as connectNet, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { frame, prop, props, str, u16, varInt } from '@mqp/testing';

export { frame, prop, props, str, u16, u32, varInt } from '@mqp/testing';

export interface RawConnectOptions {
  version?: 4 | 5;
  keepalive?: number;
  clean?: boolean;
  /** v5 CONNECT properties block, already encoded with `props()` (default: empty). */
  properties?: Buffer;
  will?: { topic: string; payload: string; qos?: 0 | 1 | 2; properties?: Buffer };
  username?: string;
  password?: string;
}

/** A CONNECT built byte by byte, so its properties may be anything. */
export function connectPacket(clientId: string | Buffer, o: RawConnectOptions = {}): Buffer {
  const version = o.version ?? 5;
  let flags = o.clean === false ? 0 : 0x02;
  if (o.will) flags |= 0x04 | ((o.will.qos ?? 0) << 3);
  if (o.username !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  const parts = [str('MQTT'), Buffer.from([version, flags]), u16(o.keepalive ?? 0)];
  if (version === 5) parts.push(o.properties ?? props());
  parts.push(str(clientId));
  if (o.will) {
    if (version === 5) parts.push(o.will.properties ?? props());
    parts.push(str(o.will.topic), str(o.will.payload));
  }
  if (o.username !== undefined) parts.push(str(o.username));
  if (o.password !== undefined) parts.push(str(o.password));
  return frame(0x10, Buffer.concat(parts));
}

/** A PUBLISH built byte by byte (topic may be anything, flags may be anything). */
export function publishPacket(topic: string | Buffer, payload: string | Buffer, o: { qos?: 0 | 1 | 2; id?: number; dup?: boolean; retain?: boolean; version?: 4 | 5; properties?: Buffer } = {}): Buffer {
  const qos = o.qos ?? 0;
  const first = 0x30 | (o.dup ? 0x08 : 0) | (qos << 1) | (o.retain ? 1 : 0);
  const parts = [str(topic)];
  if (qos > 0) parts.push(u16(o.id ?? 1));
  if ((o.version ?? 5) === 5) parts.push(o.properties ?? props());
  parts.push(typeof payload === 'string' ? Buffer.from(payload) : payload);
  return frame(first, Buffer.concat(parts));
}

/** A SUBSCRIBE with one filter (options byte: QoS | NL 0x04 | RAP 0x08 | RH << 4). */
export function subscribePacket(filter: string | Buffer, options = 0, o: { id?: number; version?: 4 | 5; properties?: Buffer } = {}): Buffer {
  const parts = [u16(o.id ?? 1)];
  if ((o.version ?? 5) === 5) parts.push(o.properties ?? props());
  parts.push(str(filter), Buffer.from([options]));
  return frame(0x82, Buffer.concat(parts));
}

/** PUBACK/PUBREC/PUBREL/PUBCOMP with just a packet id (first byte 0x40/0x50/0x62/0x70). */
export function ackPacket(firstByte: number, id: number): Buffer {
  return frame(firstByte, u16(id));
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);

/** What a raw socket received, parsed as MQTT packets of the given version. */
export class RawClient {
  private readonly packets: Packet[] = [];
  private waiters: (() => void)[] = [];
  private readonly parser: ReturnType<typeof mqttPacket.parser>;
  private isClosed = false;
  /** Resolves when the connection closed, whoever closed it. */
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: Socket,
    version: 4 | 5,
  ) {
    this.parser = mqttPacket.parser({ protocolVersion: version });
    this.parser.on('packet', (p: Packet) => {
      this.packets.push(p);
      this.wake();
    });
    this.parser.on('error', () => undefined);
    socket.on('data', (d: Buffer) => this.parser.parse(d));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static async open(port: number, version: 4 | 5 = 5): Promise<RawClient> {
    const socket = connectNet({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const client = new RawClient(socket, version);
    opened.add(client);
    return client;
  }

  /** Opens a socket and sends a v5 (or v4) CONNECT; resolves with the CONNACK. */
  static async connected(port: number, clientId: string, o: RawConnectOptions = {}): Promise<RawClient> {
    const c = await RawClient.open(port, o.version ?? 5);
    c.send(connectPacket(clientId, o));
    const ack = await c.next();
    if (ack.cmd !== 'connack' || (ack.reasonCode ?? ack.returnCode ?? 0) !== 0) throw new Error(`not connected: ${JSON.stringify(ack)}`);
    return c;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next packet the server sent; rejects if the connection closes first or nothing comes within `ms`. */
  async next(ms = 5000): Promise<Packet> {
    const deadline = Date.now() + ms;
    while (this.packets.length === 0) {
      if (this.isClosed) throw new Error('connection closed with no packet');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.packets.shift()!;
  }

  /** The next packet of this kind, skipping others (e.g. PUBLISH while waiting for a SUBACK). */
  async nextOf(cmd: Packet['cmd'], ms = 5000): Promise<Packet> {
    const deadline = Date.now() + ms;
    for (;;) {
      const p = await this.next(Math.max(1, deadline - Date.now()));
      if (p.cmd === cmd) return p;
    }
  }

  /** Waits for the server to close; returns the packets it sent before closing. */
  async expectClosed(ms = 5000): Promise<Packet[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`server did not close within ${ms} ms; got ${JSON.stringify(this.packets.map((p) => p.cmd))}`)), ms)));
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.packets.splice(0);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

const opened = new Set<RawClient>();

/** Destroys every raw socket the test opened. */
export function destroyAllRaw(): void {
  for (const c of opened) c.destroy();
  opened.clear();
}

/** VmRSS of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}
