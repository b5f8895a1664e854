import { connect as connectNet, type Socket } from 'node:net';
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient, type IPublishPacket } from 'mqtt';

/** An MQTT.js client connected to 127.0.0.1:port; rejects with the CONNACK error if refused. */
export async function connectClient(port: number, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    reconnectPeriod: 0,
    connectTimeout: 5000,
    protocolVersion: 4,
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
  clients.add(client);
  return client;
}

const clients = new Set<MqttClient>();

/**
 * Connects with an Inbox attached before the CONNACK, so messages sent right
 * after it (a resumed session's queue) are not missed; also returns the CONNACK.
 */
export async function connectWithInbox(port: number, options: IClientOptions): Promise<{ client: MqttClient; inbox: Inbox; connack: IConnackPacket }> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...options });
  const inbox = new Inbox(client);
  clients.add(client);
  const connack = await new Promise<IConnackPacket>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return { client, inbox, connack };
}

/** Ends every client the test opened. */
export async function closeAllClients(): Promise<void> {
  await Promise.all([...clients].map((c) => c.endAsync(true).catch(() => undefined)));
  clients.clear();
}

export interface Received {
  topic: string;
  payload: string;
  packet: IPublishPacket;
}

/** Collects messages a client receives, and waits for a number of them. */
export class Inbox {
  readonly messages: Received[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString(), packet });
      this.waiters = this.waiters.filter((w) => {
        if (this.messages.length < w.count) return true;
        w.resolve();
        return false;
      });
    });
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<Received[]> {
    if (this.messages.length < count) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${this.messages.length} of ${count} messages: ${JSON.stringify(this.messages.map((m) => m.topic))}`)), timeoutMs);
        this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    return this.messages.slice(0, count);
  }

  /** Asserts that nothing more than `count` arrives within `ms` (for "is not delivered" checks). */
  async expectNoMoreThan(count: number, ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.messages.length > count) throw new Error(`expected ${count} messages, got ${this.messages.length}: ${JSON.stringify(this.messages.map((m) => m.topic))}`);
  }
}

/** A raw TCP socket for sending bytes no client library would send. */
export interface RawConnection {
  socket: Socket;
  received(): Buffer;
  /** Resolves when the server (or the test) closed the connection. */
  closed: Promise<void>;
}

export async function rawSocket(port: number): Promise<RawConnection> {
  const socket = connectNet({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => Buffer.concat(chunks), closed };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms))]);
}
