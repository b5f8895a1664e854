import type { RouteInfo, RouterApi, RoutesRequest } from '@mqp/contracts';
import { InvalidArgumentError, type Message } from '@mqp/model';
import { parseSharedFilter, validateTopicFilter, validateTopicName } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import type { RetainedStore } from '@mqp/storage';

export interface RouterServiceDeps {
  retained: RetainedStore;
  logger: Logger;
  /** Clock for message expiry; tests pass their own. */
  now?: () => number;
}

/**
 * The cluster-wide route registry (which filters have subscribers on which
 * gateways, reference counted) and the retained messages.
 */
export class RouterService implements RouterApi {
  // filter → gatewayId → subscription count; both keys are client/remote controlled: Maps only.
  private readonly routes = new Map<string, Map<string, number>>();
  private readonly retained: RetainedStore;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(deps: RouterServiceDeps) {
    this.retained = deps.retained;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
  }

  async addRoutes(req: RoutesRequest): Promise<void> {
    checkRoutesRequest(req);
    for (const filter of req.filters) {
      let gateways = this.routes.get(filter);
      if (!gateways) {
        gateways = new Map();
        this.routes.set(filter, gateways);
      }
      gateways.set(req.gatewayId, (gateways.get(req.gatewayId) ?? 0) + 1);
    }
  }

  async removeRoutes(req: RoutesRequest): Promise<void> {
    checkRoutesRequest(req);
    for (const filter of req.filters) {
      const gateways = this.routes.get(filter);
      const count = gateways?.get(req.gatewayId);
      // Removing a route that is not there is a no-op: counts never go negative.
      if (!gateways || count === undefined) continue;
      if (count > 1) gateways.set(req.gatewayId, count - 1);
      else gateways.delete(req.gatewayId);
      if (gateways.size === 0) this.routes.delete(filter);
    }
  }

  async resetGateway(req: { gatewayId: string }): Promise<void> {
    checkGatewayId(req.gatewayId);
    let dropped = 0;
    for (const [filter, gateways] of this.routes) {
      if (gateways.delete(req.gatewayId)) dropped++;
      // Deleting the current entry while iterating a Map is safe.
      if (gateways.size === 0) this.routes.delete(filter);
    }
    if (dropped > 0) this.logger.info('gateway routes reset', { gatewayId: req.gatewayId, filters: dropped });
  }

  async listRoutes(): Promise<RouteInfo[]> {
    return [...this.routes].map(([filter, gateways]) => ({
      filter,
      gateways: [...gateways].map(([gatewayId, count]) => ({ gatewayId, count })),
    }));
  }

  async retain(message: Message): Promise<void> {
    const reason = validateTopicName(message.topic);
    if (reason !== undefined) throw new InvalidArgumentError(`invalid retained topic: ${reason}`);
    if (message.payload.length === 0) {
      // MQTT 5.0 numbering. [MQTT-3.3.1-6] a retained PUBLISH with an empty payload removes the retained message of the topic
      // [MQTT-3.3.1-7] and is itself not stored
      await this.retained.delete(message.topic);
      return;
    }
    // [MQTT-3.3.1-5] replaces any retained message of the topic
    await this.retained.set({ ...message, retain: true });
  }

  async matchRetained(req: { filter: string }): Promise<Message[]> {
    const reason = validateTopicFilter(req.filter);
    if (reason !== undefined) throw new InvalidArgumentError(`invalid topic filter: ${reason}`);
    // MQTT 5.0 section 4.8.2: retained messages are not sent for a shared subscription.
    if (parseSharedFilter(req.filter) !== undefined) return [];
    const now = this.now();
    const matches = await this.retained.match(req.filter);
    const live: Message[] = [];
    for (const message of matches) {
      // [MQTT-3.3.2-5] a message whose expiry interval has passed must not be delivered.
      if (message.expiresAt !== undefined && message.expiresAt <= now) {
        this.dropExpired(message);
        continue;
      }
      live.push(message);
    }
    return live;
  }

  /** Expired retained messages are removed lazily, when a match finds them. */
  private dropExpired(message: Message): void {
    this.retained
      .get(message.topic)
      .then((current) => (current?.id === message.id ? this.retained.delete(message.topic) : undefined))
      .catch((err: unknown) => this.logger.warn('could not drop an expired retained message', { topic: message.topic, err }));
  }
}

function checkRoutesRequest(req: RoutesRequest): void {
  checkGatewayId(req.gatewayId);
  if (!Array.isArray(req.filters)) throw new InvalidArgumentError('filters must be a list');
  for (const filter of req.filters) {
    const reason = typeof filter === 'string' ? validateTopicFilter(filter) : 'not a string';
    if (reason !== undefined) throw new InvalidArgumentError(`invalid topic filter: ${reason}`);
  }
}

function checkGatewayId(gatewayId: unknown): void {
  if (typeof gatewayId !== 'string' || gatewayId.length === 0) throw new InvalidArgumentError('gatewayId is required');
}
