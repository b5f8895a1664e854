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

  it('sums each series with the samples of other processes, and renders series only they have', () => {
    const metrics = new MetricsRegistry();
    metrics.gauge('mqp_connections', 'Open MQTT connections').set(2);
    metrics.counter('mqp_bus_total', 'bus').inc(1);
    const worker = [
      { name: 'mqp_connections', help: 'Open MQTT connections', type: 'gauge' as const, value: 3 },
      { name: 'mqp_worker_only_total', help: 'w', type: 'counter' as const, value: 4 },
    ];
    expect(metrics.render([worker, [{ name: 'mqp_connections', help: 'Open MQTT connections', type: 'gauge', value: 5 }]])).toBe(
      '# HELP mqp_connections Open MQTT connections\n# TYPE mqp_connections gauge\nmqp_connections 10\n' +
        '# HELP mqp_bus_total bus\n# TYPE mqp_bus_total counter\nmqp_bus_total 1\n' +
        '# HELP mqp_worker_only_total w\n# TYPE mqp_worker_only_total counter\nmqp_worker_only_total 4\n',
    );
    expect(metrics.value('mqp_connections')).toBe(2);
  });
});
