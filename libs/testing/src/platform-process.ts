import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';

/** Where the built apps live (`npm run build`); tests run the real binary, not library code. */
export const WORKSPACE_ROOT = resolve(__dirname, '../../..');
export const PLATFORM_MAIN = join(WORKSPACE_ROOT, 'dist/apps/platform/main.js');

/**
 * One running platform process (any `--target`), with its output kept so a
 * failing test can show it. `stop()` sends SIGTERM and waits for the exit.
 */
export class PlatformProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly httpPort: number,
  ) {
    child.stdout?.on('data', (d: Buffer) => this.append(d));
    child.stderr?.on('data', (d: Buffer) => this.append(d));
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
  }

  static spawn(name: string, args: string[], httpPort: number, env: NodeJS.ProcessEnv = {}): PlatformProcess {
    if (!existsSync(PLATFORM_MAIN)) throw new Error(`${PLATFORM_MAIN} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, ['--enable-source-maps', PLATFORM_MAIN, 'start', ...args, '--http-port', String(httpPort)], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new PlatformProcess(name, child, httpPort);
    processes.add(proc);
    void proc.exited.then(() => processes.delete(proc));
    return proc;
  }

  logs(): string {
    return this.output;
  }

  /** Resolves when `/ready` answers 200; rejects with the process output if it exits or the deadline passes. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${this.name} exited with ${exitCode} before ready:\n${this.output}`);
      if ((await httpStatus(this.httpPort, '/ready')) === 200) return;
      await delay(50);
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private append(d: Buffer): void {
    // Bounded: a chatty process must not grow the test runner's memory.
    this.output = (this.output + d.toString('utf8')).slice(-200_000);
  }
}

const processes = new Set<PlatformProcess>();
process.once('exit', () => {
  for (const p of processes) p.child.kill('SIGKILL');
});

export async function httpStatus(port: number, path: string): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A YAML config file in a fresh temp dir; returns its path. */
export function writeConfigFile(config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mqp-config-'));
  const file = join(dir, 'mqp.yaml');
  writeFileSync(file, toYaml(config));
  return file;
}

export function tempDir(prefix = 'mqp-data-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
