import type { Counter, MetricsRegistry } from '@mqp/runtime';

export interface GatewayMetrics {
  received: Counter;
  delivered: Counter;
  dropped: Counter;
  malformed: Counter;
}

/** Registers the gateway's series; `connections` is read at scrape time from the live registry. */
export function createGatewayMetrics(registry: MetricsRegistry, connections: () => number): GatewayMetrics {
  registry.gauge('mqp_connections', 'MQTT connections open on this gateway', connections);
  return {
    received: registry.counter('mqp_messages_received_total', 'PUBLISH packets accepted from clients'),
    delivered: registry.counter('mqp_messages_delivered_total', 'PUBLISH packets written to subscribers'),
    dropped: registry.counter('mqp_messages_dropped_total', 'Messages not delivered to a subscriber (slow reader, full queue, expired)'),
    malformed: registry.counter('mqp_packets_malformed_total', 'Connections closed for a malformed or oversized packet'),
  };
}
