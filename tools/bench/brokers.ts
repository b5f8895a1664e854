import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startSplit, startStandalone, type Deployment } from '@mqp/testing';
import { findPids } from './load/proc-monitor';

/** `mqp-workers`: standalone with one gateway worker beside the main process (`--gateway-workers 2`), a process per core here. */
export const BROKERS = ['mosquitto', 'aedes', 'mqp', 'mqp-workers', 'mqp-split'] as const;
export type BrokerName = (typeof BROKERS)[number];

/** A running broker: its MQTT ports (one per gateway) and the processes whose CPU/RSS count as its cost. */
export interface BrokerHandle {
  name: BrokerName;
  ports: number[];
  /** Root pids; the monitor adds their descendants. */
  pids(): number[];
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');

export interface BrokerOptions {
  /** Mosquitto `persistence true` (its queues and sessions saved to disk); mqp always uses its embedded store. */
  persistence?: boolean;
}

export async function startBroker(name: BrokerName, options: BrokerOptions = {}): Promise<BrokerHandle> {
  switch (name) {
    case 'mosquitto':
      return startMosquitto(options.persistence ?? false);
    case 'aedes':
      return startAedes();
    case 'mqp':
      return fromDeployment(name, await startStandalone());
    case 'mqp-workers':
      return fromDeployment(name, await startStandalone({ gatewayWorkers: 2 }));
    case 'mqp-split':
      return fromDeployment(name, await startSplit());
  }
}

function fromDeployment(name: BrokerName, d: Deployment): BrokerHandle {
  // nats-server's pid is not on the handle: find it by its command line (`-p PORT`).
  const natsPids = d.nats ? findPids(['nats-server', '-p', String(d.nats.port)]) : [];
  return {
    name,
    ports: d.mqttPorts,
    pids: () => [...[...d.processes.values()].map((p) => p.child.pid ?? 0).filter((pid) => pid > 0), ...natsPids],
    stop: () => d.stop(),
  };
}

async function startMosquitto(persistence: boolean): Promise<BrokerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...(persistence ? ['persistence true', `persistence_location ${dir}/`] : ['persistence false']),
      // Per-client queue for QoS 1/2 beyond the in-flight window (default 1000); the generator's windows stay below it.
      'max_queued_messages 10000',
      // Outgoing QoS 1/2 in flight per client (default 20): as many as the generator's publishers keep.
      'max_inflight_messages 100',
      // mqp sets TCP_NODELAY on its sockets; without it Mosquitto's small writes wait on delayed ACKs (~40 ms).
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // Running as root, mosquitto would switch to the `mosquitto` user; stay as we are.
      'user root',
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const output = collect(child);
  try {
    await waitForPort(child, port, output);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    name: 'mosquitto',
    ports: [port],
    pids: () => (child.pid ? [child.pid] : []),
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startAedes(): Promise<BrokerHandle> {
  const script = join(ROOT, 'tools/bench/peers/aedes-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`aedes did not start: ${output()}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      const m = /aedes listening (\d+)/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`aedes exited (${code}): ${output()}`));
    });
  });
  return { name: 'aedes', ports: [port], pids: () => (child.pid ? [child.pid] : []), stop: () => stopChild(child) };
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function collect(child: ChildProcess): () => string {
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const add = (d: Buffer): void => {
    out = (out + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => out;
}

async function waitForPort(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`broker exited (${child.exitCode}): ${output()}`);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`broker not listening on ${port} within 10 s: ${output()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
