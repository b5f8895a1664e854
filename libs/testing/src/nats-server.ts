import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface NatsServerOptions {
  /** Default: a free port. */
  port?: number;
  /** Enables JetStream with storage in a temporary directory, removed by stop(). */
  jetstream?: boolean;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Terminates the server (SIGTERM, SIGKILL if it lingers) and removes its storage. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server and starts it again on the same port, keeping JetStream storage. */
  restart(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL, a crash). For SIGKILL, SIGTERM, SIGINT
   * and SIGQUIT, resolves once the process has exited; for other signals,
   * once sent.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port after kill(); does nothing while it runs. */
  start(): Promise<void>;
}

/**
 * Runs a real `nats-server` on 127.0.0.1 for integration tests
 * (nats.js's own tests do the same with `nst`). Resolves once the server has
 * logged that it is ready and its port accepts TCP connections; fails with
 * the server's stderr if it does not come up. The binary is `nats-server` on PATH, or `$NATS_SERVER_BIN`.
 * Every server still running when the test process exits is killed.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  // A free port can be taken by someone else between freePort() and the
  // server's bind; when we chose the port, try another one.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const storeDir = options.jetstream ? mkdtempSync(join(tmpdir(), 'mqp-nats-')) : undefined;
    const server = new NatsServerProcess(port, storeDir);
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.stop();
      if (attempt >= attempts || !(err instanceof Error) || !/address already in use/i.test(err.message)) throw err;
    }
  }
}

/** How long a server may take to accept connections; ~50 ms is usual, CI machines are slow. */
const START_TIMEOUT_MS = 10_000;
/** What nats-server 2.x logs once it accepts clients. */
const READY_LINE = /Server is ready/;
/** How long SIGTERM may take before stop() sends SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** Enough of stderr to explain a failed start without keeping a chatty log. */
const STDERR_KEEP = 8_192;

const running = new Set<ChildProcess>();
const storeDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of storeDirs) rmSync(dir, { recursive: true, force: true });
  });
}

class NatsServerProcess implements NatsServerHandle {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';
  private stopped = false;

  constructor(
    readonly port: number,
    private readonly storeDir: string | undefined,
  ) {
    this.url = `nats://127.0.0.1:${port}`;
    if (storeDir) storeDirs.add(storeDir);
    installExitHook();
  }

  async start(): Promise<void> {
    if (this.stopped) throw new Error('nats-server handle was stopped');
    if (this.child) return;
    const args = ['-a', '127.0.0.1', '-p', String(this.port)];
    if (this.storeDir) args.push('-js', '-sd', this.storeDir);
    const bin = process.env['NATS_SERVER_BIN'] ?? 'nats-server';
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    running.add(child);
    this.stderr = '';
    // Ready means OUR process says so: a TCP probe alone is fooled by another
    // process already listening on the port (the race freePort() leaves open).
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (this.child !== child) return;
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
      if (READY_LINE.test(this.stderr)) markReady();
    });
    let failure: string | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        failure = `could not run ${bin}: ${err.message}`;
        resolve();
      });
      // 'close', not 'exit': it comes after stderr is fully read, so the message has all of it.
      child.once('close', (code, signal) => {
        failure ??= `nats-server on port ${this.port} exited during start (${code ?? signal}): ${this.stderr.trim()}`;
        resolve();
      });
    }).then(() => {
      running.delete(child);
      if (this.child === child) this.child = undefined;
    });

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS)));
    const outcome = await Promise.race([ready.then(() => 'ready' as const), this.exited.then(() => 'exited' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'exited') throw new Error(failure);
    if (outcome === 'timeout') {
      throw new Error(`nats-server did not get ready on port ${this.port} within ${START_TIMEOUT_MS} ms: ${this.stderr.trim()}`);
    }
    if (!(await accepts(this.port))) {
      throw new Error(`nats-server reported ready but port ${this.port} refuses connections: ${this.stderr.trim()}`);
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    if (TERMINATING.has(signal)) await this.exited;
  }

  async restart(): Promise<void> {
    await this.kill('SIGKILL');
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child) {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.kill('SIGTERM');
      await this.exited;
      clearTimeout(timer);
    }
    if (this.storeDir) {
      rmSync(this.storeDir, { recursive: true, force: true });
      storeDirs.delete(this.storeDir);
    }
  }
}

const TERMINATING = new Set<NodeJS.Signals>(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGQUIT']);

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
