/**
 * The Bus port: subject-addressed publish/subscribe with NATS semantics.
 * Subjects are dot-separated tokens; subscriptions may use `*` (one token)
 * and `>` (one or more trailing tokens). Two implementations, one contract
 * suite (bus.contract.ts): NATS for distributed mode, in-process for
 * standalone.
 */
export type BusHeaders = Record<string, string>;

/**
 * A payload whose bytes are made only when something reads them. The
 * in-process bus hands subscribers the publisher's `value` itself
 * (`BusMessage.local`) and calls `encode` only for one that reads `data` (a
 * gateway worker's link, say), once; a bus that sends bytes encodes at once.
 * In standalone mode nothing reads most messages' bytes, and encoding them
 * was the largest single cost left per message (docs/benchmarks.md).
 */
export interface LazyPayload<T = unknown> {
  readonly value: T;
  encode(value: T): Uint8Array;
  /**
   * Optional, together: the length of the encoding, and writing it at `at` of
   * `out` (returns the offset after it). A bus that packs several payloads
   * into one message (NatsBus's runs) writes them in place, instead of
   * encoding each into a buffer of its own and copying it again.
   */
  encodedLength?(): number;
  encodeInto?(out: Buffer, at: number): number;
}

export type BusPayload = Uint8Array | LazyPayload;

/** A lazy payload that can measure itself and write itself in place. */
export type InPlacePayload<T = unknown> = Required<LazyPayload<T>>;

export function writesInPlace(payload: BusPayload): payload is InPlacePayload {
  return !(payload instanceof Uint8Array) && payload.encodedLength !== undefined && payload.encodeInto !== undefined;
}

/** The bytes of a payload, encoding a lazy one now. */
export function payloadBytes(payload: BusPayload): Uint8Array {
  return payload instanceof Uint8Array ? payload : payload.encode(payload.value);
}

export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers?: BusHeaders;
  /** In-process only: the payload as its publisher gave it, when that was a LazyPayload (`data` is then its encoding). */
  local?: LazyPayload;
}

/**
 * A handler may return a promise for work it must finish before the message
 * counts as taken (the session service storing a capture): `settle()` waits
 * for it in-process. Any other return value is ignored (so `(m) => list.push(m)`
 * stays a valid handler); a rejected promise is logged.
 */
export type BusHandler = (message: BusMessage) => unknown;

export interface SubscribeOptions {
  /** Members of one queue group share the messages: each goes to one member. */
  queue?: string;
}

export interface BusSubscription {
  unsubscribe(): void;
}

export type BusState = 'connected' | 'reconnecting' | 'closed';

export interface Bus {
  publish(subject: string, payload: BusPayload, headers?: BusHeaders): void;
  /** Handlers are called in publish order per subject; a throwing handler is logged, never fatal. */
  subscribe(subject: string, handler: BusHandler, options?: SubscribeOptions): BusSubscription;
  /** Resolves once everything published and subscribed before it has reached the bus. */
  flush(): Promise<void>;
  /**
   * Resolves once everything published before it is as safe as this bus can
   * make it: in-process, delivered and every handler's returned work done
   * (a capture for an offline session is in the store); NATS, the server has
   * it (a flush). A QoS 1/2 acknowledgement waits for this.
   */
  settle(): Promise<void>;
  state(): BusState;
  /** Called with the new state whenever it changes (used by `/ready` and logs). */
  onStateChange(listener: (state: BusState) => void): void;
  close(): Promise<void>;
}
