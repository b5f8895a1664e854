/**
 * One external system the integration service writes to (EMQX
 * `emqx_resource`): every connector has the same lifecycle and a `send` that
 * resolves once the system accepted the data, or rejects after its own
 * retries are spent.
 */
export interface Connector<T = unknown> {
  readonly name: string;
  start(): Promise<void>;
  /** Stops accepting work and aborts what is in flight. */
  stop(): Promise<void>;
  send(data: T): Promise<void>;
  health(): ConnectorHealth;
}

export interface ConnectorHealth {
  healthy: boolean;
  detail?: string;
}
