import { MetricsRegistry } from './metrics';

describe('MetricsRegistry', () => {
  it('renders counters and gauges in the Prometheus text format', () => {
    const metrics = new MetricsRegistry();
    metrics.counter('mqp_messages_received_total', 'PUBLISH packets accepted').inc(3);
    const g = metrics.gauge('mqp_connections', 'Open MQTT connections');
    g.inc();
    g.inc();
    g.dec();
    expect(metrics.render()).toBe(
      '# HELP mqp_messages_received_total PUBLISH packets accepted\n# TYPE mqp_messages_received_total counter\nmqp_messages_received_total 3\n' +
        '# HELP mqp_connections Open MQTT connections\n# TYPE mqp_connections gauge\nmqp_connections 1\n',
    );
  });

  it('reads collected gauges at scrape time and shares a series registered twice', () => {
    const metrics = new MetricsRegistry();
    let live = 5;
    metrics.gauge('mqp_retained', 'Retained messages', () => live);
    live = 7;
    expect(metrics.value('mqp_retained')).toBe(7);
    metrics.counter('c_total', 'c').inc();
    metrics.counter('c_total', 'c').inc();
    expect(metrics.value('c_total')).toBe(2);
    expect(() => metrics.gauge('c_total', 'c')).toThrow(/registered as counter and gauge/);
  });
});
