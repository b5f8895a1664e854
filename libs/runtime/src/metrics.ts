/**
 * A minimal metrics registry rendered in the Prometheus text format on
 * `/metrics`. Counters and gauges only; names follow Prometheus conventions
 * (`mqp_…_total` for counters).
 */
export interface Counter {
  inc(by?: number): void;
}

export interface Gauge {
  set(value: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
}

/** One series' value at a moment, as another process sends it (gateway workers). */
export interface MetricSample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
}

interface Series {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
  /** Read at scrape time instead of `value`, for gauges owned elsewhere. */
  collect?: () => number;
}

export class MetricsRegistry {
  private readonly series = new Map<string, Series>();

  counter(name: string, help: string): Counter {
    const s = this.register(name, help, 'counter');
    return { inc: (by = 1) => void (s.value += by) };
  }

  gauge(name: string, help: string, collect?: () => number): Gauge {
    const s = this.register(name, help, 'gauge');
    if (collect) s.collect = collect;
    return {
      set: (v) => void (s.value = v),
      inc: (by = 1) => void (s.value += by),
      dec: (by = 1) => void (s.value -= by),
    };
  }

  /** Current value of a series (tests and the REST API). */
  value(name: string): number | undefined {
    const s = this.series.get(name);
    return s ? (s.collect ? s.collect() : s.value) : undefined;
  }

  /** Every series and its value now. */
  samples(): MetricSample[] {
    return [...this.series.values()].map((s) => ({ name: s.name, help: s.help, type: s.type, value: s.collect ? s.collect() : s.value }));
  }

  /**
   * The Prometheus text of this registry, each series summed with the same
   * series of `others` (the samples of other processes of one node, e.g.
   * gateway workers: connections and message counts add up). A series only
   * another process has is rendered too.
   */
  render(others: readonly MetricSample[][] = []): string {
    const merged = new Map<string, MetricSample>();
    for (const sample of [this.samples(), ...others].flat()) {
      const seen = merged.get(sample.name);
      if (seen) seen.value += sample.value;
      else merged.set(sample.name, { ...sample });
    }
    let out = '';
    for (const s of merged.values()) out += `# HELP ${s.name} ${s.help}\n# TYPE ${s.name} ${s.type}\n${s.name} ${s.value}\n`;
    return out;
  }

  private register(name: string, help: string, type: Series['type']): Series {
    const existing = this.series.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric ${name} registered as ${existing.type} and ${type}`);
      return existing;
    }
    const s: Series = { name, help, type, value: 0 };
    this.series.set(name, s);
    return s;
  }
}
