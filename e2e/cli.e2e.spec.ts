/** The operator interface of `mqp start` (ARCHITECTURE.md "Operator interface"), driven as a user would. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PLATFORM_MAIN, PlatformProcess, tempDir, WORKSPACE_ROOT, writeConfigFile } from '@mqp/testing';
import { closeAllClients, connectClient } from './support/mqtt-clients';

function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLATFORM_MAIN, ...args], { cwd: WORKSPACE_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('mqp start', () => {
  afterEach(() => closeAllClients());

  it('starts with defaults, accepts anonymous clients from loopback and says so in the log, and exits 0 on SIGTERM', async () => {
    const data = tempDir();
    const proc = PlatformProcess.spawn('defaults', ['--mqtt-port', '0', '--data-dir', data.path]);
    try {
      await proc.waitReady();
      const mqttPort = proc.ports.mqtt!;
      expect(proc.logs()).toMatch(/anonymous clients are accepted from loopback only/);
      const client = await connectClient(mqttPort, { clientId: 'anon' });
      expect(client.connected).toBe(true);
      await client.endAsync();
      expect(await proc.stop('SIGTERM')).toBe(0);
    } finally {
      await proc.stop('SIGKILL');
      data.remove();
    }
  });

  it('exits non-zero with a one-line reason listing every config problem', async () => {
    const config = writeConfigFile({ listeners: { tcp: { port: 99999 } }, http: { port: 'x' }, nonsense: true });
    const { code, stderr } = await runToExit(['start', '--config', config]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/listeners\.tcp\.port/);
    expect(stderr).toMatch(/http\.port/);
    expect(stderr).toMatch(/nonsense/);
  });

  it('exits non-zero with a one-line reason when the MQTT port is in use', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '0.0.0.0', () => r((blocker.address() as { port: number }).port)));
    try {
      const data = tempDir();
      const { code, stderr } = await runToExit(['start', '--mqtt-port', String(port), '--http-port', '0', '--data-dir', data.path]);
      data.remove();
      expect(code).toBe(1);
      expect(stderr).toMatch(/in use/);
      expect(stderr.trim().split('\n').filter((l) => l.startsWith('mqp:'))).toHaveLength(1);
    } finally {
      blocker.close();
    }
  });

  it('refuses an unknown target and a split target without NATS', async () => {
    const unknown = await runToExit(['start', '--target', 'gateway,teleporter']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/teleporter/);
    const noNats = await runToExit(['start', '--target', 'router']);
    expect(noNats.code).toBe(2);
    expect(noNats.stderr).toMatch(/nats\.url/);
  });
});
