import type { ClientCertificate } from '@mqp/contracts';

/**
 * The part of a byte stream a `Connection` uses. A `net.Socket` and a
 * `tls.TLSSocket` are one as they are; a WebSocket is adapted to it by
 * `WebSocketStream`, so the MQTT code never knows which transport it runs on.
 */
export interface TransportSocket {
  readonly remoteAddress?: string | undefined;
  readonly destroyed: boolean;
  readonly writable: boolean;
  /** Bytes accepted by `write` and not yet handed to the network (back-pressure). */
  readonly writableLength: number;
  setNoDelay(noDelay?: boolean): unknown;
  write(chunk: Buffer): boolean;
  /** Holds writes in memory until `uncork`, which hands them to the network in one go (writev). */
  cork(): void;
  uncork(): void;
  /** How many `cork` calls are not yet undone by `uncork`. */
  readonly writableCorked: number;
  /** Flushes what was written, then closes. */
  end(): unknown;
  /** Closes now, dropping anything unwritten. */
  destroy(error?: Error): unknown;
  pause(): unknown;
  resume(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export type TransportName = 'tcp' | 'tls' | 'ws' | 'wss';

/** A client connection a listener accepted, ready for MQTT. */
export interface AcceptedTransport {
  transport: TransportName;
  socket: TransportSocket;
  /** Set only for a client certificate that verified against the listener's CA. */
  clientCertificate?: ClientCertificate;
}

export type AcceptHandler = (accepted: AcceptedTransport) => void;

/** One bound server socket of the gateway. */
export interface Listener {
  readonly transport: TransportName;
  /** Binds; rejects when the port cannot be bound (in use, no permission). */
  start(): Promise<void>;
  /** The bound port; 0 when not listening. */
  port(): number;
  listening(): boolean;
  /** Unbinds (no new clients); resolves when every socket it accepted has closed. */
  stopAccepting(): Promise<void>;
  /**
   * Stops accepting and destroys every socket still open: call it after the
   * gateway closed its connections gracefully, so what is left are TLS or
   * WebSocket handshakes that never finished. Resolves when all are gone.
   */
  close(): Promise<void>;
}
