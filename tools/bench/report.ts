import type { BrokerName } from './brokers';
import type { ScenarioName, ScenarioResult } from './load/scenarios';

export interface Row {
  broker: BrokerName;
  result?: ScenarioResult;
  failure?: string;
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** The main figure of a scenario and whether higher is better. */
function headline(r: ScenarioResult): { value: number; higherIsBetter: boolean; what: string } {
  if (r.scenario === 'latency') return { value: r.p99Ms, higherIsBetter: false, what: 'p99' };
  return { value: r.rate, higherIsBetter: true, what: r.scenario === 'conn' ? 'connects/s' : 'msg/s' };
}

export function resultsTable(results: Map<ScenarioName, Row[]>): string {
  const lines = [
    '| scenario | broker | msg/s | p50 ms | p99 ms | lost | dup | broker CPU % | peak RSS MB | generator CPU % | other CPU % | notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [scenario, rows] of results) {
    for (const row of rows) {
      const r = row.result;
      if (!r) {
        lines.push(`| ${scenario} | ${row.broker} | failed | | | | | | | | | ${(row.failure ?? '').replace(/\|/g, '/').slice(0, 200)} |`);
        continue;
      }
      const notes: string[] = [];
      if (r.scenario === 'conn') notes.push(`${fmt(r.connections)} conns, ${fmt(r.bytesPerConnection)} B/conn, rate = connects/s`);
      if (r.targetRate !== undefined) notes.push(`at ${fmt(r.targetRate)} msg/s`);
      if (r.phases) notes.push(`queue fill ${fmt(r.phases.fillRate)} msg/s, drain ${fmt(r.phases.drainRate)} msg/s`);
      notes.push(...r.errors.map((e) => e.replace(/\|/g, '/').slice(0, 160)));
      lines.push(
        `| ${scenario} | ${row.broker} | ${fmt(r.rate)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.lost)} of ${fmt(r.expected)} | ${fmt(r.duplicates)} | ${fmt(r.cpuPct)} | ${fmt(r.peakRssBytes / 1048576, 1)} | ${fmt(r.genCpuPct)} | ${fmt(r.otherCpuPct)} | ${notes.join('; ')} |`,
      );
    }
  }
  return lines.join('\n');
}

/** mqp (standalone, with a gateway worker, and split) against each peer, on each scenario's headline figure (>1 = mqp better). */
export function ratioTable(results: Map<ScenarioName, Row[]>): string {
  const pairs: [BrokerName, BrokerName][] = [
    ['mqp', 'mosquitto'],
    ['mqp', 'aedes'],
    ['mqp-workers', 'mqp'],
    ['mqp-split', 'mosquitto'],
    ['mqp-split', 'aedes'],
    ['mqp-split', 'mqp'],
  ];
  const lines = ['| scenario | figure | ' + pairs.map(([a, b]) => `${a} vs ${b}`).join(' | ') + ' |', '|---|---|' + pairs.map(() => '---:').join('|') + '|'];
  for (const [scenario, rows] of results) {
    const by = new Map(rows.filter((r) => r.result).map((r) => [r.broker, r.result!]));
    const any = rows.find((r) => r.result)?.result;
    if (!any) continue;
    const cells = pairs.map(([a, b]) => {
      const ra = by.get(a);
      const rb = by.get(b);
      if (!ra || !rb) return '–';
      const ha = headline(ra);
      const hb = headline(rb);
      const ratio = ha.higherIsBetter ? ha.value / hb.value : hb.value / ha.value;
      return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–';
    });
    lines.push(`| ${scenario} | ${headline(any).what} | ${cells.join(' | ')} |`);
    if (scenario === 'conn') {
      const mem = pairs.map(([a, b]) => {
        const ra = by.get(a)?.bytesPerConnection;
        const rb = by.get(b)?.bytesPerConnection;
        return ra && rb ? `${(rb / ra).toFixed(2)}×` : '–';
      });
      lines.push(`| conn | B/conn (peer ÷ mqp) | ${mem.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
