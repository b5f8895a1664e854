import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from './embedded.store';

describe('embedded store durability', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mqp-lmdb-kill-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every write acknowledged before the writing process was killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'durability-writer.ts'), dir, '1000000'], {
      cwd: join(__dirname, '../../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

    // Everything the child printed before it died was acknowledged; kill it mid-way.
    let acknowledged = 0;
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^written (\d+)$/.exec(line);
        if (match) acknowledged = Number(match[1]);
      }
      if (acknowledged >= 500 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    const signal = await exited;
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    expect(acknowledged).toBeGreaterThanOrEqual(500);

    const stores = await openEmbeddedStore(dir);
    try {
      const queuedIds = new Set((await stores.queues.list('c1')).map((e) => e.message.id));
      const missing: string[] = [];
      for (let i = 0; i < acknowledged; i++) {
        if ((await stores.retained.get(`t/${i}`))?.payload.toString() !== `retained ${i}`) missing.push(`t/${i}`);
        if (!queuedIds.has(`m${i}`)) missing.push(`m${i}`);
      }
      expect(missing).toEqual([]);
      // the queue is still in order after recovery
      const ids = (await stores.queues.list('c1', acknowledged)).map((e) => e.message.id);
      expect(ids).toEqual(Array.from({ length: acknowledged }, (_, i) => `m${i}`));
    } finally {
      await stores.close();
    }
  }, 60_000);
});
