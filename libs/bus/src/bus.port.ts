/**
 * The Bus port: subject-addressed publish/subscribe with NATS semantics.
 * Subjects are dot-separated tokens; subscriptions may use `*` (one token)
 * and `>` (one or more trailing tokens). Two implementations, one contract
 * suite (bus.contract.ts): NATS for distributed mode, in-process for
 * standalone.
 */
export type BusHeaders = Record<string, string>;

export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers?: BusHeaders;
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
  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void;
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
