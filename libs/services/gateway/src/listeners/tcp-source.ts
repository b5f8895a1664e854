import type { Server } from 'node:net';

/**
 * Where the gateway's plain-TCP connections come from. Standalone with
 * gateway workers (config `gateway.workers`, docs/adr/0006) shares one
 * listening socket: the main process binds it and passes it to its workers,
 * and every process accepts from it (the kernel hands each connection to one
 * of them).
 */
export type TcpSource =
  /** Bind `listeners.tcp`; `onBound` receives the bound server, to share it with workers. */
  | { kind: 'listen'; onBound?: (server: Server) => void }
  /** Accept from a server another process bound and passed over (already listening). */
  | { kind: 'shared'; server: Server };
