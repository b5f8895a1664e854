/**
 * Standalone with gateway workers (`--gateway-workers 3`): the main process
 * and two forked workers share the MQTT port. What only this mode can show:
 * connections really spread over the processes, a worker that dies is
 * replaced and its clients' wills still go out, and a shutdown reaches the
 * clients of every process. The shared suites (e2e/support/deployments.ts)
 * run everything else against this mode too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { startStandaloneWithWorkers, type Deployment } from '@mqp/testing';
import { closeAllClients, connectClient, connectWithInbox, withTimeout } from './support/mqtt-clients';
import { until } from './support/until';

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
    await closeAllClients();
    await deployment?.stop();
  });

  it('runs two worker processes beside the main one and deals connections to the one port over all three', async () => {
    expect(childrenOf(mainPid)).toHaveLength(2);
    const watcher = await connectWithInbox(port, { clientId: 'sys-watcher', username: 'admin', password: 'secret' });
    await watcher.client.subscribeAsync('$SYS/brokers/+/clients/connected');
    for (let i = 0; i < 5; i++) await connectClient(port, { clientId: `spread-${i}` });

    // the latest count each gateway reports; six connections round-robin over three processes is two each
    const counts = new Map<string, number>();
    watcher.client.on('message', (topic, payload) => counts.set(topic.split('/')[2]!, Number(payload.toString())));
    await until('three gateways reporting two connections each', () => counts.size === 3 && [...counts.values()].every((n) => n === 2), 10_000);
  });

  it('replaces a worker killed with SIGKILL; the session service publishes the wills of its clients [MQTT-3.1.2-8] and no one else\'s', async () => {
    const watcher = await connectWithInbox(port, { clientId: 'will-watcher' });
    await watcher.client.subscribeAsync('will/#', { qos: 1 });
    const devices: { id: string; client: MqttClient; lost: boolean }[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `device-${i}`;
      const client = await connectClient(port, { clientId: id, will: { topic: `will/${id}`, payload: Buffer.from('gone'), qos: 1, retain: false } });
      const device = { id, client, lost: false };
      client.on('close', () => (device.lost = true));
      devices.push(device);
    }
    const [victim, survivor] = childrenOf(mainPid);
    process.kill(victim!, 'SIGKILL');

    // round-robin put two of the six devices on each process (the watcher took the main process's first turn)
    await until('the clients of the killed worker see their connection close', () => devices.filter((d) => d.lost).length === 2, 5_000);
    const lost = devices.filter((d) => d.lost).map((d) => `will/${d.id}`);
    const wills = await watcher.inbox.waitFor(2, 10_000);
    expect(wills.map((m) => m.topic).sort()).toEqual(lost.sort());
    await watcher.inbox.expectNoMoreThan(2, 1_000);

    // a new worker takes the dead one's place, and every new client is served
    await until('a new worker process', () => childrenOf(mainPid).filter((pid) => pid !== survivor).some((pid) => pid !== victim), 15_000);
    await until('the new worker serving', () => (deployment.logs().match(/gateway worker started/g) ?? []).length === 3, 15_000);
    for (let i = 0; i < 6; i++) await connectClient(port, { clientId: `after-${i}` });
    expect(survivor !== undefined && alive(survivor)).toBe(true);
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
