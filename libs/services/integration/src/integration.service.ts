import type { Bus, BusMessage, BusSubscription } from '@mqp/bus';
import type { WebhookConfig } from '@mqp/config';
import { messageFromBus, queueGroups, subjects } from '@mqp/contracts';
import { ConfigError, EVENT_NAMES, type PlatformEvent } from '@mqp/model';
import { parseSharedFilter, topicMatchesFilter, validateTopicFilter } from '@mqp/protocol';
import type { Counter, Logger, MetricsRegistry } from '@mqp/runtime';
import { eventBody, messageBody } from './webhook-payload';
import { WebhookConnector, type WebhookConnectorOptions } from './webhook.connector';

export interface IntegrationServiceDeps {
  bus: Bus;
  webhooks: readonly WebhookConfig[];
  logger: Logger;
  metrics: MetricsRegistry;
  /** Overrides for every webhook connector (tests shorten the retry delays). */
  connectorOptions?: Pick<WebhookConnectorOptions, 'retryDelaysMs' | 'fetch'>;
}

interface Webhook {
  config: WebhookConfig;
  connector: WebhookConnector;
  events: ReadonlySet<string>;
}

/**
 * Hands messages and client events to external systems. It consumes the bus
 * in queue groups, so several integration instances share the work and each
 * message is handled by one of them.
 *
 * Overlapping filters (`a/#` and `a/+`) would see a message twice, once per
 * bus subscription. Each distinct filter therefore gets its own queue group
 * (one delivery per filter across all instances; NATS and the in-process bus
 * deliver a message once per queue group name even across different
 * subscriptions), and a message is handled only via the first filter, in
 * sorted order, that matches its topic; the other arrivals are dropped.
 */
export class IntegrationService {
  private readonly webhooks: Webhook[];
  /** Distinct message filters of all webhooks, sorted so every instance agrees on "first". */
  private readonly filters: string[];
  private readonly subscriptions: BusSubscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly failed: Counter;
  private readonly sent: Counter;

  constructor(private readonly deps: IntegrationServiceDeps) {
    checkWebhooks(deps.webhooks);
    this.webhooks = deps.webhooks.map((config) => ({
      config,
      events: new Set(config.events),
      connector: new WebhookConnector({
        name: config.name,
        url: config.url,
        timeoutMs: config.timeoutMs,
        headers: config.headers,
        ...deps.connectorOptions,
      }),
    }));
    this.filters = [...new Set(deps.webhooks.flatMap((w) => w.topics))].sort();
    this.failed = deps.metrics.counter('mqp_integration_failed_total', 'Integration actions dropped after their last attempt failed');
    this.sent = deps.metrics.counter('mqp_integration_sent_total', 'Integration actions delivered');
  }

  async start(): Promise<void> {
    for (const webhook of this.webhooks) await webhook.connector.start();
    const { bus } = this.deps;
    for (const filter of this.filters) {
      const queue = queueGroups.integrationFilter(filter);
      for (const subject of subjects.messagesFor(filter)) {
        this.subscriptions.push(bus.subscribe(subject, (m) => this.onMessage(filter, m), { queue }));
      }
    }
    if (this.webhooks.some((w) => w.events.size > 0)) {
      this.subscriptions.push(bus.subscribe(subjects.allEvents, (m) => this.onEvent(m), { queue: queueGroups.integration }));
    }
    if (this.webhooks.length > 0) this.deps.logger.info('integration ready', { webhooks: this.webhooks.length, filters: this.filters.length });
  }

  /** Stops consuming, aborts POSTs in flight (they count as failed) and waits for them to settle. */
  async stop(): Promise<void> {
    for (const sub of this.subscriptions.splice(0)) sub.unsubscribe();
    for (const webhook of this.webhooks) await webhook.connector.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  health(): { name: string; healthy: boolean; detail?: string }[] {
    return this.webhooks.map((w) => ({ name: w.config.name, ...w.connector.health() }));
  }

  /** Resolves once every action started so far has settled (tests; graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private onMessage(arrivalFilter: string, busMessage: BusMessage): void {
    // A bus handler must never throw.
    try {
      const message = messageFromBus(busMessage);
      const first = this.filters.find((f) => topicMatchesFilter(message.topic, f));
      if (first !== arrivalFilter) return;
      let body: ReturnType<typeof messageBody> | undefined;
      for (const webhook of this.webhooks) {
        // One POST per webhook, however many of its filters match.
        if (!webhook.config.topics.some((f) => topicMatchesFilter(message.topic, f))) continue;
        body ??= messageBody(message);
        this.dispatch(webhook, body, { topic: message.topic, messageId: message.id });
      }
    } catch (err) {
      this.deps.logger.error('could not handle a bus message', { subject: busMessage.subject, err });
    }
  }

  private onEvent(busMessage: BusMessage): void {
    try {
      const event = JSON.parse(Buffer.from(busMessage.data).toString('utf8')) as PlatformEvent;
      if (typeof event?.name !== 'string') throw new Error('event without a name');
      let body: Record<string, unknown> | undefined;
      for (const webhook of this.webhooks) {
        if (!webhook.events.has(event.name)) continue;
        body ??= eventBody(event);
        this.dispatch(webhook, body, { event: event.name, clientId: event.clientId });
      }
    } catch (err) {
      this.deps.logger.error('could not handle a bus event', { subject: busMessage.subject, err });
    }
  }

  private dispatch(webhook: Webhook, body: unknown, context: Record<string, unknown>): void {
    const done = webhook.connector.send(body).then(
      () => this.sent.inc(),
      (err: unknown) => {
        // Dropped after the last attempt: a durable retry buffer is a later issue.
        this.failed.inc();
        this.deps.logger.warn('webhook failed, data dropped', { webhook: webhook.config.name, ...context, err });
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}

function checkWebhooks(webhooks: readonly WebhookConfig[]): void {
  const problems: string[] = [];
  const known = new Set<string>(EVENT_NAMES);
  webhooks.forEach((w, i) => {
    const where = `integration.webhooks[${i}] (${w.name})`;
    for (const filter of w.topics) {
      const reason = validateTopicFilter(filter);
      if (reason !== undefined) problems.push(`${where}.topics: ${JSON.stringify(filter)}: ${reason}`);
      else if (parseSharedFilter(filter) !== undefined) problems.push(`${where}.topics: ${JSON.stringify(filter)}: shared subscriptions are not supported here`);
    }
    for (const name of w.events) {
      if (!known.has(name)) problems.push(`${where}.events: unknown event ${JSON.stringify(name)}; known: ${EVENT_NAMES.join(', ')}`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
