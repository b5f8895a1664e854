import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface NumberedPublisherOptions {
  /** Every message goes to this one topic, so the subscriber tells publishers apart by topic. */
  topic: string;
  qos: 1 | 2;
  /** Messages sent and not yet acknowledged, at most. */
  window: number;
  /** At most one new message per this many ms: bounds the run's message count by its duration. */
  paceMs: number;
  /** What the test is doing now (e.g. "session service restarting"); recorded with each message sent. */
  phase: () => string;
  client: IClientOptions;
}

/**
 * Publishes messages numbered 0, 1, 2, … (the payload) until stopped, with at
 * most `window` awaiting their PUBACK (QoS 1) or PUBCOMP (QoS 2), and records
 * which were acknowledged: the durability guarantee is about those only. A
 * message whose acknowledgement never came may or may not arrive.
 *
 * The client should reconnect (`reconnectPeriod`) so publishing goes on
 * through faults: MQTT.js resends what was not acknowledged, in order, on
 * every reconnect. With a persistent session (clean start 0) that resend is
 * the same QoS 2 flow, which the broker must not deliver twice [MQTT-4.3.3-10].
 */
export class NumberedPublisher {
  /** The number of each acknowledged message. */
  readonly acked = new Set<number>();
  /** Per message number, the phase it was first sent in. */
  readonly sentIn: string[] = [];
  /** Why publishes or connections failed, with how often: for the failure message. */
  readonly errors = new Map<string, number>();
  reconnects = 0;
  private inflight = 0;
  private timer: NodeJS.Timeout | undefined;
  private settled: (() => void)[] = [];

  private constructor(
    readonly client: MqttClient,
    private readonly options: NumberedPublisherOptions,
  ) {
    // a refused or broken connection is part of the faults under test: counted, never thrown
    client.on('error', (err) => this.count(`connection: ${err.message}`));
    client.on('reconnect', () => this.reconnects++);
  }

  /** Connects to 127.0.0.1:port and starts publishing. */
  static async start(port: number, options: NumberedPublisherOptions): Promise<NumberedPublisher> {
    // Not connectClient(): it ends the client on its first 'error', and a
    // refused reconnect (CONNACK with an error) must not stop this one.
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { connectTimeout: 5000, ...options.client });
    const publisher = new NumberedPublisher(client, options);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => reject(err));
    }).catch(async (err: unknown) => {
      await client.endAsync(true);
      throw err;
    });
    publisher.timer = setInterval(() => publisher.next(), options.paceMs);
    return publisher;
  }

  get topic(): string {
    return this.options.topic;
  }

  get sent(): number {
    return this.sentIn.length;
  }

  /** Resolves once `count` more messages than now are acknowledged; rejects after `timeoutMs`. */
  async acknowledgeMore(count: number, timeoutMs: number, what: string): Promise<void> {
    const target = this.acked.size + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acked.size < target) {
      if (Date.now() > deadline) {
        throw new Error(`${this.options.topic}: ${this.acked.size - target + count} of ${count} more acknowledgements within ${timeoutMs} ms ${what}; errors: ${this.describeErrors()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends nothing new; waits up to `timeoutMs` for the outstanding acknowledgements, then closes the connection. Safe to call twice. */
  async stop(timeoutMs = 0): Promise<void> {
    clearInterval(this.timer);
    if (this.inflight > 0 && timeoutMs > 0) {
      await Promise.race([new Promise<void>((resolve) => this.settled.push(resolve)), new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    await this.client.endAsync(true);
  }

  describeErrors(): string {
    return [...this.errors].map(([why, n]) => `${why} ×${n}`).join('; ') || 'none';
  }

  private next(): void {
    if (this.inflight >= this.options.window) return;
    const n = this.sentIn.length;
    this.sentIn.push(this.options.phase());
    this.inflight++;
    this.client.publish(this.options.topic, String(n), { qos: this.options.qos }, (err) => {
      if (err) this.count(`publish: ${err.message}`);
      else this.acked.add(n);
      if (--this.inflight === 0) this.settled.splice(0).forEach((resolve) => resolve());
    });
  }

  private count(why: string): void {
    this.errors.set(why, (this.errors.get(why) ?? 0) + 1);
  }
}
