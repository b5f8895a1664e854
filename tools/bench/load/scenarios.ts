import { performance } from 'node:perf_hooks';
import { machineBusySeconds, type ProcMonitor } from './proc-monitor';
import { runPersist } from './persist-run';
import { Publisher, PubSubRun, Subscriber, type PubSubSettings } from './pubsub-run';
import { openAll, RawClient } from './raw-client';
import { closeAll, sleep, waitForProgress } from './waits';

export const SCENARIOS = ['fanin', 'fanout', 'p2p-q0', 'p2p-q1', 'persist-q1', 'conn', 'latency'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The broker under test: its MQTT ports and a monitor of its processes. */
export interface Target {
  /** One port per gateway; subscribers use the first, publishers the last (cross-gateway in split mode). */
  ports: number[];
  monitor: ProcMonitor;
}

export interface ScenarioOptions {
  warmupS: number;
  durationS: number;
  payloadSize: number;
  /** Deliveries in flight end to end, over all publishers (see PubSubSettings.inflight). */
  inflight: number;
  /** QoS 1 PUBLISHes awaiting PUBACK per publisher. */
  ackWindow: number;
  faninPublishers: number;
  fanoutSubscribers: number;
  pairs: number;
  /** persist-q1: persistent subscribers, and messages queued for each while offline. */
  persistSessions: number;
  persistPerSession: number;
  connections: number;
  /** Connection attempts in flight. */
  concurrency: number;
  /** Total msg/s for `latency` (required for it). */
  latencyRate?: number;
  /** Prefix of client ids and topics (distinct per run). */
  prefix: string;
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: ScenarioOptions = {
  warmupS: 2,
  durationS: 10,
  payloadSize: 64,
  inflight: 10_000,
  ackWindow: 100,
  faninPublishers: 10,
  fanoutSubscribers: 100,
  pairs: 100,
  persistSessions: 50,
  // mqp's and Mosquitto's default queue limit is 1000 per session: fill it, don't overflow it.
  persistPerSession: 1000,
  connections: 15_000,
  concurrency: 200,
  prefix: 'bench',
};

export interface ScenarioResult {
  scenario: ScenarioName;
  /** Deliveries per second (conn: connects per second). */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Messages published (counted per publisher→subscriber stream). */
  expected: number;
  lost: number;
  duplicates: number;
  /** Broker CPU over the measured interval, % of one core. */
  cpuPct: number;
  peakRssBytes: number;
  /** The load generator's own CPU over the interval, % of one core (near 100 = the generator is the limit). */
  genCpuPct: number;
  /** CPU used by everything else on the machine over the interval, % of one core (other work competing for the cores). */
  otherCpuPct: number;
  /** latency: the fixed total rate asked for. */
  targetRate?: number;
  /** conn: connections open, and broker RSS growth per connection. */
  connections?: number;
  bytesPerConnection?: number;
  /** persist-q1: the queue fill and drain rates behind `rate`. */
  phases?: { fillRate: number; drainRate: number };
  errors: string[];
}

export async function runScenario(name: ScenarioName, target: Target, options: ScenarioOptions): Promise<ScenarioResult> {
  if (name === 'conn') return runConn(target, options);
  if (name === 'persist-q1') return runPersistScenario(target, options);
  const o = options;
  const pre = `${o.prefix}/${name}`;
  switch (name) {
    case 'fanin':
      return runPubSub(name, target, o, { qos: 0 }, o.faninPublishers, 1, (p) => `${pre}/${p}`, () => `${pre}/+`, () => true);
    case 'fanout':
      return runPubSub(name, target, o, { qos: 0 }, 1, o.fanoutSubscribers, () => pre, () => pre, () => true);
    case 'p2p-q0':
    case 'p2p-q1':
      return runPubSub(name, target, o, { qos: name === 'p2p-q1' ? 1 : 0 }, o.pairs, o.pairs, (p) => `${pre}/${p}`, (s) => `${pre}/${s}`, (s, p) => s === p);
    case 'latency': {
      if (!o.latencyRate) throw new Error('latency needs a fixed rate (half of the p2p-q0 maximum)');
      return runPubSub(name, target, o, { qos: 0, rate: o.latencyRate }, o.pairs, o.pairs, (p) => `${pre}/${p}`, (s) => `${pre}/${s}`, (s, p) => s === p);
    }
  }
}

/** CPU shares over one measured interval, each in % of one core (see ScenarioResult). */
interface IntervalCost {
  elapsedS: number;
  cpuPct: number;
  genCpuPct: number;
  otherCpuPct: number;
}

/** Starts measuring the broker, this generator and the rest of the machine; the function returned ends the interval. */
function startInterval(monitor: ProcMonitor): () => IntervalCost {
  const t0 = performance.now();
  const cpu0 = monitor.cpuSeconds();
  const gen0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  return () => {
    const elapsedS = (performance.now() - t0) / 1000;
    const broker = monitor.cpuSeconds() - cpu0;
    const gen = process.cpuUsage(gen0);
    const generator = (gen.user + gen.system) / 1e6;
    const busy = machineBusySeconds() - busy0;
    return {
      elapsedS,
      cpuPct: (broker / elapsedS) * 100,
      genCpuPct: (generator / elapsedS) * 100,
      otherCpuPct: Math.max(0, ((busy - broker - generator) / elapsedS) * 100),
    };
  };
}

async function runPubSub(
  scenario: ScenarioName,
  target: Target,
  o: ScenarioOptions,
  shape: { qos: 0 | 1; rate?: number },
  publisherCount: number,
  subscriberCount: number,
  topicOf: (publisher: number) => string,
  filterOf: (subscriber: number) => string,
  expects: (subscriber: number, publisher: number) => boolean,
): Promise<ScenarioResult> {
  const settings: PubSubSettings = { qos: shape.qos, payloadSize: o.payloadSize, inflight: o.inflight, ackWindow: o.ackWindow, rate: shape.rate };
  const errors: string[] = [];
  const run = new PubSubRun();
  const subPort = target.ports[0]!;
  const pubPort = target.ports[target.ports.length - 1]!;
  const deadline = Date.now() + 30_000;
  target.monitor.resetPeak();
  target.monitor.start();
  const clients: RawClient[] = [];
  try {
    const subs = await openAll(
      subscriberCount,
      async (i) => {
        const c = await RawClient.open(subPort, `${o.prefix}-${scenario}-s${i}`);
        clients.push(c);
        const sub = new Subscriber(run, c);
        c.sink = sub;
        await c.subscribe(filterOf(i), shape.qos);
        return sub;
      },
      o.concurrency,
      deadline,
    );
    errors.push(...subs.failures.slice(0, 5));
    const pubs = await openAll(
      publisherCount,
      async (i) => {
        const c = await RawClient.open(pubPort, `${o.prefix}-${scenario}-p${i}`);
        clients.push(c);
        const ratePer = shape.rate !== undefined ? shape.rate / publisherCount : undefined;
        const pub = new Publisher(run, c, i, topicOf(i), settings, ratePer);
        c.sink = pub;
        return pub;
      },
      o.concurrency,
      deadline,
    );
    errors.push(...pubs.failures.slice(0, 5));
    subs.opened.forEach((s) => s && run.subscribers.push(s));
    pubs.opened.forEach((p) => p && run.publishers.push(p));
    for (const [si, s] of subs.opened.entries()) {
      if (!s) continue;
      for (const [pi, p] of pubs.opened.entries()) if (p && expects(si, pi)) run.link(s, p);
    }
    const active = run.publishers.filter((p) => p.fan > 0);
    if (active.length === 0) throw new Error(`nothing to measure: ${errors.join('; ')}`);
    for (const p of active) p.window = Math.max(1, Math.ceil(o.inflight / (active.length * p.fan)));

    // Subscriptions can take effect after SUBACK (split mode: the bus); wait until a probe gets through every stream.
    const probeDeadline = Date.now() + 10_000;
    while (!run.allReady() && Date.now() < probeDeadline) {
      for (const p of run.unready()) p.sendProbe();
      await sleep(100);
    }
    if (!run.allReady()) errors.push('some subscriptions never received a probe within 10 s');

    const stallTimer = setInterval(() => {
      const now = performance.now();
      for (const p of active) p.checkStall(now);
    }, 250);
    // At a fixed rate nothing else wakes an idle publisher: tick every millisecond.
    const rateTimer = shape.rate !== undefined ? setInterval(() => active.forEach((p) => run.wake(p)), 1) : undefined;
    for (const p of active) p.start();
    await sleep(o.warmupS * 1000);

    run.measuring = true;
    const endInterval = startInterval(target.monitor);
    await sleep(o.durationS * 1000);
    run.measuring = false;
    const cost = endInterval();
    for (const p of active) p.stopped = true;
    if (rateTimer) clearInterval(rateTimer);

    await drain(run, shape.qos);
    clearInterval(stallTimer);
    const stalls = active.reduce((n, p) => n + p.stalls, 0);
    if (stalls) errors.push(`${stalls} publisher window stalls (> 1 s without progress)`);
    if (run.unexpected) errors.push(`${run.unexpected} unexpected messages`);
    const unacked = active.reduce((n, p) => n + p.inFlightAcks, 0);
    if (unacked) errors.push(`${unacked} PUBACKs missing at the end`);
    let expected = 0;
    for (const st of run.streams()) expected += st.publisher.seq;
    return {
      scenario,
      rate: run.measured / cost.elapsedS,
      p50Ms: run.latency.quantile(0.5),
      p99Ms: run.latency.quantile(0.99),
      expected,
      lost: run.missing(),
      duplicates: run.duplicates,
      cpuPct: cost.cpuPct,
      peakRssBytes: target.monitor.peakRssBytes,
      genCpuPct: cost.genCpuPct,
      otherCpuPct: cost.otherCpuPct,
      targetRate: shape.rate,
      errors,
    };
  } finally {
    target.monitor.stop();
    await closeAll(clients);
  }
}

/** After the publishers stop: wait until every stream has all it was sent (and QoS 1 acks), or progress stops. */
async function drain(run: PubSubRun, qos: 0 | 1): Promise<void> {
  const acks = (): number => (qos ? run.publishers.reduce((n, p) => n + p.inFlightAcks, 0) : 0);
  await waitForProgress(
    () => run.missing() === 0 && acks() === 0,
    () => run.delivered() + run.publishers.reduce((n, p) => n + p.acked, 0),
    { idleMs: 1000, timeoutMs: 10_000, pollMs: 50 },
  );
}

/**
 * The loopback address connection `i` of `conn` comes from: one of 200 in
 * 127.0.0.0/8 (all of it is the loopback interface on Linux). From one
 * address, the kernel's search for a free ephemeral port towards the
 * broker's one address and port grows with the connections already open:
 * at 15,000 it was three quarters of the generator's CPU (perf:
 * __inet_check_established), and the generator, not the broker, set the
 * connect rate of every broker.
 */
function sourceAddress(i: number): string {
  return `127.0.0.${2 + (i % 200)}`;
}

async function runConn(target: Target, o: ScenarioOptions): Promise<ScenarioResult> {
  const errors: string[] = [];
  const clients: RawClient[] = [];
  target.monitor.resetPeak();
  target.monitor.start();
  try {
    await sleep(500);
    const rssBefore = target.monitor.rssBytes();
    const endInterval = startInterval(target.monitor);
    const result = await openAll(
      o.connections,
      async (i) => {
        const c = await RawClient.open(target.ports[i % target.ports.length]!, `${o.prefix}-conn-${i}`, { timeoutMs: 20_000, localAddress: sourceAddress(i) });
        clients.push(c);
        return c;
      },
      o.concurrency,
      Date.now() + 120_000,
    );
    const cost = endInterval();
    if (result.failures.length) errors.push(`${result.failures.length} connects failed, e.g. ${result.failures.slice(0, 3).join('; ')}`);
    // Let the broker settle (lazy allocations, GC) before reading its memory.
    await sleep(2000);
    const alive = clients.filter((c) => !c.closed).length;
    if (alive < clients.length) errors.push(`${clients.length - alive} connections dropped while idle`);
    const rssAfter = target.monitor.rssBytes();
    return {
      scenario: 'conn',
      rate: clients.length / cost.elapsedS,
      p50Ms: NaN,
      p99Ms: NaN,
      expected: o.connections,
      lost: o.connections - alive,
      duplicates: 0,
      cpuPct: cost.cpuPct,
      peakRssBytes: target.monitor.peakRssBytes,
      genCpuPct: cost.genCpuPct,
      otherCpuPct: cost.otherCpuPct,
      connections: alive,
      bytesPerConnection: alive ? (rssAfter - rssBefore) / alive : NaN,
      errors,
    };
  } finally {
    target.monitor.stop();
    await closeAll(clients);
  }
}

async function runPersistScenario(target: Target, o: ScenarioOptions): Promise<ScenarioResult> {
  target.monitor.resetPeak();
  target.monitor.start();
  try {
    const endInterval = startInterval(target.monitor);
    const out = await runPersist(target.ports[0]!, target.ports[target.ports.length - 1]!, {
      sessions: o.persistSessions,
      perSession: o.persistPerSession,
      payloadSize: o.payloadSize,
      ackWindow: o.ackWindow,
      prefix: o.prefix,
      concurrency: o.concurrency,
    });
    const cost = endInterval();
    const errors = [...out.errors];
    if (out.outOfOrder) errors.push(`${out.outOfOrder} deliveries out of publish order`);
    return {
      scenario: 'persist-q1',
      rate: out.rate,
      p50Ms: NaN,
      p99Ms: NaN,
      expected: out.expected,
      lost: out.lost,
      duplicates: out.duplicates,
      cpuPct: cost.cpuPct,
      peakRssBytes: target.monitor.peakRssBytes,
      genCpuPct: cost.genCpuPct,
      otherCpuPct: cost.otherCpuPct,
      phases: { fillRate: out.fillRate, drainRate: out.drainRate },
      errors,
    };
  } finally {
    target.monitor.stop();
  }
}
