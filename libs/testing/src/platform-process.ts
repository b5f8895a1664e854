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

  private boundPorts: BoundPorts | undefined;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => this.append(d));
    child.stderr?.on('data', (d: Buffer) => this.append(d));
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
  }

  /**
   * Starts `mqp start <args>`. The HTTP port is always 0 (any free port) and
   * so should every other port be unless a test needs a fixed one: the ports
   * actually bound are read from the "mqp started" log line. (Probing a free
   * port first and passing it races with parallel tests.)
   */
  static spawn(name: string, args: string[], env: NodeJS.ProcessEnv = {}): PlatformProcess {
    if (!existsSync(PLATFORM_MAIN)) throw new Error(`${PLATFORM_MAIN} is missing: run \`npm run build\` first`);
    // The WebSocket listener is on by default (8083): tests bind a free port for it too, unless they chose one.
    const wsPort = args.includes('--ws-port') ? [] : ['--ws-port', '0'];
    // run as `npm start` and the `mqp` bin do: the bundle's first line gives node its flags
    const child = spawn(PLATFORM_MAIN, ['start', ...args, ...wsPort, '--http-port', '0'], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new PlatformProcess(name, child);
    processes.add(proc);
    void proc.exited.then(() => processes.delete(proc));
    return proc;
  }

  logs(): string {
    return this.output;
  }

  /** The ports the process bound; known once it logged "mqp started" (after `waitReady`). */
  get ports(): BoundPorts {
    if (!this.boundPorts) throw new Error(`${this.name} has not started yet`);
    return this.boundPorts;
  }

  get httpPort(): number {
    const port = this.ports.http;
    if (port === undefined) throw new Error(`${this.name} runs no HTTP server`);
    return port;
  }

  /** Resolves when `/ready` answers 200; rejects with the process output if it exits or the deadline passes. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((c) => (exitCode = c));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${this.name} exited with ${exitCode} before ready:\n${this.output}`);
      if (this.boundPorts?.http !== undefined && (await httpStatus(this.boundPorts.http, '/ready')) === 200) return;
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
    const text = d.toString('utf8');
    if (!this.boundPorts) {
      const line = /mqp started (.*)/.exec(this.output.slice(-2000) + text)?.[1];
      if (line) {
        this.boundPorts = {
          mqtt: portIn(line, 'mqttPort'),
          tls: portIn(line, 'tlsPort'),
          ws: portIn(line, 'wsPort'),
          wss: portIn(line, 'wssPort'),
          http: portIn(line, 'httpPort'),
          grpc: portIn(line, 'grpcPort'),
        };
      }
    }
    // Bounded: a chatty process must not grow the test runner's memory.
    this.output = (this.output + text).slice(-200_000);
  }
}

export interface BoundPorts {
  mqtt?: number;
  /** MQTT over TLS, WebSocket and WebSocket over TLS: set when that listener is enabled. */
  tls?: number;
  ws?: number;
  wss?: number;
  http?: number;
  grpc?: number;
}

function portIn(line: string, key: string): number | undefined {
  const m = new RegExp(`\\b${key}=(\\d+)`).exec(line);
  return m ? Number(m[1]) : undefined;
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
