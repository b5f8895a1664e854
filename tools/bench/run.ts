// Benchmark runner: starts each broker in turn on free ports, runs the same
// scenarios against each, prints the table and writes docs/benchmarks.md.
//   npx tsx tools/bench/run.ts [--scenarios fanin,fanout,p2p-q0,p2p-q1,persist-q1,conn,latency]
//     [--brokers mosquitto,aedes,mqp,mqp-workers,mqp-split] [--duration 10] [--warmup 2]
//     [--connections 15000] [--pairs 100] [--payload 64] [--inflight 10000] [--latency-rate N] [--out docs/benchmarks.md | --no-write]
// mqp is run from dist/: build it first (`node tools/build/build-apps.mjs`).
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { BROKERS, startBroker, type BrokerName } from './brokers';
import { ProcMonitor } from './load/proc-monitor';
import { DEFAULT_OPTIONS, runScenario, SCENARIOS, type ScenarioName, type ScenarioOptions } from './load/scenarios';
import { ratioTable, resultsTable, type Row } from './report';

const ROOT = resolve(__dirname, '../..');

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) out.set(key, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out.set(key, argv[++i]!);
    else out.set(key, 'true');
  }
  return out;
}

function listArg<T extends string>(value: string | undefined, all: readonly T[], what: string): T[] {
  if (!value) return [...all];
  const wanted = value.split(',').map((s) => s.trim());
  for (const w of wanted) if (!all.includes(w as T)) throw new Error(`unknown ${what} ${w} (one of ${all.join(', ')})`);
  return all.filter((a) => wanted.includes(a)); // canonical order: latency comes after p2p-q0
}

function machine(): string {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? '?';
  let mosquitto = '?';
  try {
    mosquitto = /version ([\d.]+)/.exec(execSync('mosquitto -h 2>&1 || true', { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    // reported as '?'
  }
  const aedes = (JSON.parse(readFileSync(join(ROOT, 'node_modules/aedes/package.json'), 'utf8')) as { version: string }).version;
  return `${cpus().length} cores (nproc), ${model}, Node ${process.version}, Mosquitto ${mosquitto}, Aedes ${aedes}, nats-server ${natsVersion()}`;
}

function natsVersion(): string {
  try {
    return execSync('nats-server --version', { encoding: 'utf8' }).trim().replace(/^nats-server:\s*/, '');
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = listArg(args.get('scenarios'), SCENARIOS, 'scenario');
  const brokers = listArg(args.get('brokers'), BROKERS, 'broker');
  const num = (key: string, fallback: number): number => {
    const v = args.get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key} must be a positive number`);
    return n;
  };
  const base: ScenarioOptions = {
    ...DEFAULT_OPTIONS,
    durationS: num('duration', DEFAULT_OPTIONS.durationS),
    warmupS: num('warmup', Math.min(DEFAULT_OPTIONS.warmupS, num('duration', DEFAULT_OPTIONS.durationS))),
    connections: num('connections', DEFAULT_OPTIONS.connections),
    pairs: num('pairs', DEFAULT_OPTIONS.pairs),
    payloadSize: num('payload', DEFAULT_OPTIONS.payloadSize),
    inflight: num('inflight', DEFAULT_OPTIONS.inflight),
    prefix: `bench${Date.now().toString(36)}`,
  };
  const fixedLatencyRate = args.has('latency-rate') ? num('latency-rate', 1) : undefined;
  if (scenarios.includes('latency') && !scenarios.includes('p2p-q0') && fixedLatencyRate === undefined) {
    scenarios.splice(scenarios.indexOf('latency'), 0, 'p2p-q0');
    log('latency needs the p2p-q0 maximum: running p2p-q0 too');
  }
  const command = `npx tsx tools/bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  const started = new Date();
  log(`machine: ${machine()}`);
  log(`open files limit: ${execSync('ulimit -n', { shell: '/bin/bash', encoding: 'utf8' }).trim()}`);

  const results = new Map<ScenarioName, Row[]>();
  const p2pMax = new Map<BrokerName, number>();
  for (const scenario of scenarios) {
    const rows: Row[] = [];
    results.set(scenario, rows);
    for (const broker of brokers) {
      const options: ScenarioOptions = { ...base, prefix: `${base.prefix}${scenario.replace(/-/g, '')}` };
      if (scenario === 'latency') {
        // one offered load for every broker, half of the reference peer's maximum (issue 6: p99 at half load vs
        // Mosquitto's); a broker's own half when Mosquitto is not in the run
        const max = p2pMax.get('mosquitto') ?? p2pMax.get(broker);
        options.latencyRate = fixedLatencyRate ?? (max ? Math.round(max / 2) : undefined);
        if (!options.latencyRate) {
          rows.push({ broker, failure: 'no p2p-q0 maximum to take half of' });
          continue;
        }
      }
      log(`${scenario} on ${broker}…`);
      let handle;
      try {
        handle = await startBroker(broker, { persistence: scenario === 'persist-q1' });
        const h = handle;
        const result = await runScenario(scenario, { ports: h.ports, monitor: new ProcMonitor(() => h.pids()) }, options);
        if (scenario === 'p2p-q0') p2pMax.set(broker, result.rate);
        rows.push({ broker, result });
        log(
          `  ${Math.round(result.rate)} /s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, lost ${result.lost}/${result.expected}, dup ${result.duplicates}, ` +
            `CPU ${result.cpuPct.toFixed(0)} %, RSS ${(result.peakRssBytes / 1048576).toFixed(1)} MB, generator CPU ${result.genCpuPct.toFixed(0)} %, other CPU ${result.otherCpuPct.toFixed(0)} %` +
            (result.bytesPerConnection !== undefined ? `, ${Math.round(result.bytesPerConnection)} B/conn` : '') +
            (result.errors.length ? `\n  ! ${result.errors.join('\n  ! ')}` : ''),
        );
      } catch (err) {
        rows.push({ broker, failure: (err as Error).message.split('\n')[0] ?? 'failed' });
        log(`  failed: ${(err as Error).message}`);
      } finally {
        await handle?.stop();
      }
    }
  }

  const table = resultsTable(results);
  const ratios = ratioTable(results);
  process.stdout.write(`\n${table}\n\n${ratios}\n`);
  if (!args.has('no-write')) {
    const out = resolve(ROOT, args.get('out') ?? 'docs/benchmarks.md');
    writeFileSync(out, markdown(table, ratios, command, started, base));
    log(`wrote ${out}`);
  }
}

function markdown(table: string, ratios: string, command: string, started: Date, o: ScenarioOptions): string {
  return `# Benchmarks

mqp (standalone, and split: 2 gateways + NATS) side by side with Mosquitto and
Aedes, measured in one run on one machine by \`tools/bench\`. Regenerate with
the command below (build first: \`node tools/build/build-apps.mjs\`).

- **Command**: \`${command}\`
- **Date**: ${started.toISOString()}
- **Machine**: ${machine()}
- **Per scenario**: ${o.warmupS} s warm-up, ${o.durationS} s measured; ${o.payloadSize}-byte payloads; MQTT 3.1.1; a fresh broker per scenario.

## Results

${table}

## mqp ÷ peer

Ratios on each scenario's headline figure, oriented so that **> 1 means mqp is
better**: msg/s (or connects/s) mqp ÷ peer; for \`latency\`, p99 peer ÷ mqp; for
memory per connection, peer ÷ mqp.

${ratios}

## How it is measured

- The load generator is one Node process: raw sockets, packets encoded once
  with mqtt-packet and then copied and stamped (send time, sequence,
  publisher id in the payload), a minimal frame reader. It shares the
  machine with the broker: the *generator CPU* column says how busy it was
  (near 100 % means the generator, not the broker, may be the limit), and
  *other CPU* what the rest of the machine used meanwhile (2 cores = 200 %;
  other engineers' builds and tests ran on this machine during the run, so
  figures are noisy: compare brokers within one scenario, run back to back).
- Scenarios: \`fanin\` ${o.faninPublishers} publishers → 1 subscriber on a wildcard, QoS 0;
  \`fanout\` 1 publisher → ${o.fanoutSubscribers} subscribers, QoS 0; \`p2p-q0\`/\`p2p-q1\`
  ${o.pairs} publisher/subscriber pairs, QoS 0/1; \`conn\` ${o.connections} idle connections
  (${o.concurrency} connects in flight); \`latency\` the p2p QoS 0 shape at a fixed
  total rate, the same for every broker: half of Mosquitto's p2p-q0 maximum in the
  same run (each broker's own half when Mosquitto is not in the run); \`persist-q1\` ${o.persistSessions} persistent
  QoS 1 subscribers (Clean Session 0) go offline, ${o.persistSessions} publishers queue ${o.persistPerSession} QoS 1
  messages for each (until the last PUBACK), then the subscribers return and
  drain their queues: rate = messages ÷ (fill + drain time), each message
  checked for loss, duplicates and order. mqp keeps these queues in its
  embedded store (LMDB); Mosquitto runs with \`persistence true\` for this
  scenario (it writes its database every \`autosave_interval\`, 1800 s by
  default, and at shutdown — not per message).
- Flow control, so no queue grows without bound: each publisher keeps at most
  an equal share of ${o.inflight} deliveries in flight end to end (sent, not yet
  delivered to all its subscribers) and, at QoS 1, at most ${o.ackWindow} PUBLISHes awaiting PUBACK;
  subscribers PUBACK every QoS 1 delivery. msg/s is deliveries per second at
  the subscribers over the measured interval.
- Subscribers connect to the first gateway, publishers to the last: in split
  mode every message crosses gateways (through NATS). \`mqp-workers\` has one
  port, which its main process and its worker both accept on, so a
  publisher and its subscribers may sit in different processes.
- *lost*: messages published (per publisher→subscriber stream, warm-up
  included) that never arrived; *dup*: arrived twice.
- Broker CPU: utime+stime deltas from /proc/<pid>/stat of the broker's
  processes and their descendants over the measured interval, in % of one
  core; peak RSS: VmRSS summed over them, polled every 100 ms. For
  \`mqp-split\` that is **all** mqp processes (auth, session, router,
  integration, 2 gateways) **plus nats-server**; for \`mqp-workers\` the main
  process and its gateway worker.
- \`conn\`: rate = connects/s (TCP + CONNECT/CONNACK); B/conn = (broker RSS
  2 s after the last connect − RSS before) ÷ connections.
- Broker settings: Mosquitto \`persistence false\` (\`true\` for persist-q1), \`max_queued_messages 10000\`,
  \`max_inflight_messages 100\`, \`set_tcp_nodelay true\`, warnings-only log; Aedes
  defaults (in-memory) with TCP_NODELAY set on each socket; mqp defaults (it
  sets TCP_NODELAY itself).
`;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
