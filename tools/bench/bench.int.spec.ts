import { startStandalone, type Deployment } from '@mqp/testing';
import { ProcMonitor } from './load/proc-monitor';
import { DEFAULT_OPTIONS, runScenario } from './load/scenarios';

// The load generator's correctness, not the broker's speed: every QoS 1
// message it publishes must be accounted for exactly once.
describe('bench load generator against mqp standalone', () => {
  let mqp: Deployment;

  beforeAll(async () => {
    mqp = await startStandalone();
  });

  afterAll(async () => {
    await mqp?.stop();
  });

  it('p2p-q1 with 5 pairs for 1 s delivers every message once, at a non-zero rate, with CPU and RSS measured', async () => {
    const proc = mqp.processes.get('standalone')!;
    const result = await runScenario(
      'p2p-q1',
      { ports: mqp.mqttPorts, monitor: new ProcMonitor(() => [proc.child.pid!]) },
      { ...DEFAULT_OPTIONS, pairs: 5, warmupS: 0.2, durationS: 1, inflight: 500, prefix: `spec${Date.now().toString(36)}` },
    );

    expect(result.errors).toEqual([]);
    expect(result.expected).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.rate).toBeGreaterThan(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
    expect(result.peakRssBytes).toBeGreaterThan(0);
    expect(result.cpuPct).toBeGreaterThan(0);
  });

  it('persist-q1 queues QoS 1 messages for offline persistent sessions and delivers each once, in order, when they return', async () => {
    const proc = mqp.processes.get('standalone')!;
    const result = await runScenario(
      'persist-q1',
      { ports: mqp.mqttPorts, monitor: new ProcMonitor(() => [proc.child.pid!]) },
      { ...DEFAULT_OPTIONS, persistSessions: 3, persistPerSession: 200, prefix: `spec${Date.now().toString(36)}` },
    );

    expect(result.errors).toEqual([]);
    expect(result.expected).toBe(600);
    expect(result.lost).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.phases!.fillRate).toBeGreaterThan(0);
    expect(result.phases!.drainRate).toBeGreaterThan(0);
  });
});
