/**
 * Standalone with gateway workers (`--gateway-workers 3`): the main process
 * and two forked workers share the MQTT port. What only this mode can show:
 * connections really spread over the processes, a worker that dies is
 * replaced and its clients' wills still go out, and a shutdown reaches the
 * clients of every process. The shared suites (e2e/support/deployments.ts)
 * run everything else against this mode too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IClientOptions, MqttClient } from 'mqtt';
import { startStandaloneWithWorkers, until, type Deployment } from '@mqp/testing';
import { closeOutcomeClients, connectOutcome } from './support/connect-outcome';
import { closeAllClients, connectClient, Inbox, withTimeout } from './support/mqtt-clients';

/** The processes whose parent is `pid` (the gateway workers of a main process), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('mqp standalone with gateway workers', () => {
  let deployment: Deployment;
  let port: number;
  let mainPid: number;

  beforeEach(async () => {
    deployment = await startStandaloneWithWorkers({
      config: {
        // $SYS (for a superuser) every 200 ms shows each gateway's connections; heartbeats every 200 ms find a dead worker in 0.6 s
        auth: { allowAnonymous: true, users: [{ username: 'admin', password: 'secret', superuser: true }] },
        gateway: { sysIntervalMs: 200, heartbeatIntervalMs: 200 },
      },
    });
    port = deployment.mqttPorts[0]!;
    mainPid = deployment.processes.get('standalone')!.child.pid!;
  }, 60_000);

  afterEach(async () => {
    await Promise.all([closeAllClients(), closeOutcomeClients()]);
    await deployment?.stop();
  });

  /** A client on the WebSocket listener, which stays in the main process: a worker's death cannot take it down. */
  async function connectToMain(clientId: string, options: IClientOptions = {}): Promise<{ client: MqttClient; inbox: Inbox }> {
    const outcome = await connectOutcome(`ws://127.0.0.1:${deployment.processes.get('standalone')!.ports.ws}/mqtt`, { clientId, ...options });
    if (!outcome.client) throw new Error(`${clientId} refused: ${outcome.code}`);
    return { client: outcome.client, inbox: new Inbox(outcome.client) };
  }

  /** The connection count each gateway process last reported on $SYS, by pid (a gateway id is `<hostname>-<pid>` by default). */
  async function watchConnections(): Promise<Map<number, number>> {
    const { client } = await connectToMain('sys-watcher', { username: 'admin', password: 'secret' });
    const counts = new Map<number, number>();
    client.on('message', (topic, payload) => {
      const gatewayId = topic.split('/')[2]!;
      counts.set(Number(gatewayId.slice(gatewayId.lastIndexOf('-') + 1)), Number(payload.toString()));
    });
    await client.subscribeAsync('$SYS/brokers/+/clients/connected');
    return counts;
  }

  const total = (counts: Map<number, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

  it('runs two worker processes beside the main one, which share the one port: a fleet of clients is served by more than one process', async () => {
    const workers = childrenOf(mainPid);
    expect(workers).toHaveLength(2);
    const counts = await watchConnections();
    await Promise.all(Array.from({ length: 30 }, (_, i) => connectClient(port, { clientId: `fleet-${i}` })));
    // the 30 plus the watcher, each reported by one of our three processes
    await until('all 31 connections reported', () => total(counts) === 31, 10_000);
    expect([...counts.keys()].every((pid) => pid === mainPid || workers.includes(pid))).toBe(true);
    expect([...counts.values()].filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    // the main process's /metrics speaks for the node: the workers' connections added to its own
    const metrics = await (await fetch(`http://127.0.0.1:${deployment.processes.get('standalone')!.httpPort}/metrics`)).text();
    expect(/^mqp_connections (\d+)$/m.exec(metrics)?.[1]).toBe('31');
  });

  it('replaces a worker killed with SIGKILL; the session service publishes the wills of its clients [MQTT-3.1.2-8] and no one else\'s', async () => {
    const counts = await watchConnections();
    const watcher = await connectToMain('will-watcher');
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    const devices: { id: string; lost: boolean }[] = [];
    const workers = childrenOf(mainPid);
    const onWorkers = (): number => Math.max(...workers.map((pid) => counts.get(pid) ?? 0));
    // fleets of 30 until a worker holds some of them (the kernel picks the accepting process)
    for (let fleet = 0; fleet < 5 && (devices.length === 0 || onWorkers() === 0); fleet++) {
      const ids = Array.from({ length: 30 }, (_, i) => `device-${fleet}-${i}`);
      await Promise.all(
        ids.map(async (id) => {
          const client = await connectClient(port, { clientId: id, will: { topic: `will/${id}`, payload: Buffer.from('gone'), qos: 1, retain: false } });
          const device = { id, lost: false };
          client.on('close', () => (device.lost = true));
          devices.push(device);
        }),
      );
      await until('every connection reported', () => total(counts) === devices.length + 2, 10_000);
    }
    const victim = [...workers].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0]!;
    const onVictim = counts.get(victim)!;
    expect(onVictim).toBeGreaterThan(0);
    process.kill(victim, 'SIGKILL');

    await until('the killed worker\'s clients see their connections close', () => devices.filter((d) => d.lost).length === onVictim, 5_000);
    const lost = devices.filter((d) => d.lost).map((d) => `will/${d.id}`);
    const wills = await watcher.inbox.waitFor(onVictim, 10_000);
    expect(wills.map((m) => m.topic).sort()).toEqual(lost.sort());
    await watcher.inbox.expectNoMoreThan(onVictim, 1_000);

    // a new worker takes the dead one's place and serves: every process of a new fleet is one of the three
    await until('the new worker serving', () => (deployment.logs().match(/gateway worker started/g) ?? []).length === 3, 15_000);
    const now = childrenOf(mainPid);
    expect(now).toHaveLength(2);
    expect(now).not.toContain(victim);
    await Promise.all(Array.from({ length: 30 }, (_, i) => connectClient(port, { clientId: `after-${i}` })));
  }, 60_000);

  it('on SIGTERM tells the v5 clients of every process 0x8B Server shutting down, then all three processes exit, the main one with 0', async () => {
    const workers = childrenOf(mainPid);
    const told: number[] = [];
    for (let i = 0; i < 6; i++) {
      const client = await connectClient(port, { clientId: `v5-${i}`, protocolVersion: 5 });
      client.on('disconnect', (packet) => told.push(packet.reasonCode ?? -1));
    }
    const main = deployment.processes.get('standalone')!;
    expect(await main.stop('SIGTERM')).toBe(0);
    await until('every client told why', () => told.length === 6, 5_000);
    expect(told).toEqual(Array(6).fill(0x8b));
    await withTimeout(until('the workers gone', () => workers.every((pid) => !alive(pid)), 5_000), 6_000, 'workers exit');
  });
});
