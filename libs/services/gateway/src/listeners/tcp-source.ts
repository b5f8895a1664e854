import type { Socket } from 'node:net';

/**
 * Where the gateway's plain-TCP connections come from. Standalone with
 * gateway workers (config `gateway.workers`, docs/adr/0006) splits them: the
 * main process listens and hands some accepted sockets to its workers, and
 * each worker takes the sockets handed to it instead of listening itself.
 */
export type TcpSource =
  /** Bind `listeners.tcp`; `handOff` may take an accepted socket elsewhere (returns true when it did). */
  | { kind: 'listen'; handOff?: (socket: Socket) => boolean }
  /** Bind nothing: serve the sockets another process accepted. */
  | { kind: 'handed'; sockets: HandedSockets };

/** Sockets accepted by another process and passed to this one. */
export interface HandedSockets {
  /** The port the clients connected to (the main process's listener). */
  readonly port: number;
  /** Starts passing each handed socket, still paused, to `accept`. */
  onSocket(accept: (socket: Socket) => void): void;
  /** No more sockets: any that still arrive are closed. */
  stop(): void;
}
