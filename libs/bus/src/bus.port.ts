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

export type BusHandler = (message: BusMessage) => void;

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
  state(): BusState;
  /** Called with the new state whenever it changes (used by `/ready` and logs). */
  onStateChange(listener: (state: BusState) => void): void;
  close(): Promise<void>;
}
