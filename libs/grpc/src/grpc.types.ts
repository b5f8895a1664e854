import type { Metadata } from '@grpc/grpc-js';

/**
 * The parts of a generated (proto-loader) method definition this library
 * uses. `ReqIn`/`ResIn` are what may be serialized (permissive), `ReqOut`/
 * `ResOut` what deserializing produces (with the loader's defaults applied).
 */
export interface UnaryMethod<ReqIn = unknown, ResIn = unknown, ReqOut = ReqIn, ResOut = ResIn> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: ReqIn): Buffer;
  requestDeserialize(bytes: Buffer): ReqOut;
  responseSerialize(value: ResIn): Buffer;
  responseDeserialize(bytes: Buffer): ResOut;
}

/** A service definition: method name → method (what `protoLoader` produces for a service). */
export type ServiceMethods = { [method: string]: UnaryMethod<any, any, any, any> };

/** What a handler knows about the call besides the request. */
export interface CallContext {
  metadata: Metadata;
  /** The caller's address, for logs. */
  peer: string;
  /** Aborted when the caller cancels or its deadline passes; long handlers may stop early. */
  signal: AbortSignal;
}

/** A promise-based unary handler: resolve with the response, or throw (an MqpError keeps its code). */
export type UnaryHandler<Req, Res> = (request: Req, call: CallContext) => Promise<Res>;

/** The handlers a service definition needs, typed from its methods. */
export type ServiceHandlers<D> = {
  [K in keyof D]: D[K] extends UnaryMethod<any, infer ResIn, infer ReqOut, any> ? UnaryHandler<ReqOut, ResIn> : never;
};

/**
 * The logging this library needs; @mqp/runtime's Logger satisfies it. Kept
 * structural so that @mqp/grpc does not depend on @mqp/runtime (which serves
 * health and may come to use this library).
 */
export interface GrpcLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Largest message either side accepts. gRPC's default receive limit is 4 MiB;
 * a retained message can be as large as the gateway's max packet size
 * (default 1 MiB, config `listeners.maxPacketSize`), and MatchRetained returns
 * several, so both sides allow 16 MiB. Raise it with the packet size.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** `/pkg.Service/Method` → `pkg.Service`. */
export function serviceNameOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return path.slice(1, slash);
}

/** `/pkg.Service/Method` → `pkg.Service/Method`, the span name the RPC semantic conventions ask for. */
export function rpcNameOf(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}
