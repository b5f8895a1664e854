import type { Connector, ConnectorHealth } from './connector';

export interface WebhookConnectorOptions {
  name: string;
  url: string;
  /** Per attempt. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /**
   * Wait before each retry; its length is the number of retries. Default:
   * 3 attempts in all, 250 ms then 1 s apart, short enough not to pile up
   * work behind a dead endpoint, long enough to ride out a restart.
   */
  retryDelaysMs?: readonly number[];
  /** Tests may pass their own; defaults to the global fetch of Node 20. */
  fetch?: typeof fetch;
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1000];

/** Why a POST failed; `retryable` says whether another attempt may succeed. */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

/**
 * POSTs JSON to one HTTP endpoint, retrying network errors, timeouts, 429
 * and 5xx. At-most-a-few-attempts, not at-least-once: a durable buffer that
 * survives restarts and long outages is a later issue, so after the last
 * attempt the data is dropped and the caller counts it.
 */
export class WebhookConnector implements Connector<unknown> {
  readonly name: string;
  private readonly retryDelaysMs: readonly number[];
  private readonly fetchFn: typeof fetch;
  private stopping = new AbortController();
  private lastError: string | undefined;

  constructor(private readonly options: WebhookConnectorOptions) {
    this.name = options.name;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.fetchFn = options.fetch ?? fetch;
  }

  async start(): Promise<void> {
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
  }

  async stop(): Promise<void> {
    this.stopping.abort(new WebhookError('connector stopped', false));
  }

  health(): ConnectorHealth {
    return this.lastError === undefined ? { healthy: true } : { healthy: false, detail: this.lastError };
  }

  async send(data: unknown): Promise<void> {
    const body = JSON.stringify(data);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.post(body);
        this.lastError = undefined;
        return;
      } catch (err) {
        const error = err instanceof WebhookError ? err : new WebhookError(`request failed: ${describe(err)}`, true, { cause: err });
        this.lastError = error.message;
        const delay = this.retryDelaysMs[attempt];
        if (!error.retryable || delay === undefined || this.stopping.signal.aborted) throw error;
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  private async post(body: string): Promise<void> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.stopping.signal]);
    let response: Response;
    try {
      response = await this.fetchFn(this.options.url, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json' },
        body,
        signal,
      });
    } catch (err) {
      if (this.stopping.signal.aborted) throw new WebhookError('connector stopped', false, { cause: err });
      throw new WebhookError(`request failed: ${describe(err)}`, true, { cause: err });
    }
    // Read the body to the end so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const retryable = response.status >= 500 || response.status === 429;
    throw new WebhookError(`HTTP ${response.status}`, retryable);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.name === 'TimeoutError' ? 'timeout' : err.message}${cause}`;
  }
  return String(err);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
