import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:net';
import type { Logger, MetricSample } from '@mqp/runtime';
import { WORKER_COMMAND, type FromWorker, type ToWorker, type WorkerSetup } from './worker-messages';

export interface GatewayWorkersOptions {
  /** Worker processes to run (config `gateway.workers` - 1: the main process serves a share too). */
  count: number;
  /** The platform binary to fork (`process.argv[1]` of `mqp start`). */
  main: string;
  logger: Logger;
  /** How long a worker may take to start, and to drain when stopping. Default 30 s. */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

interface Worker {
  index: number;
  child: ChildProcess | undefined;
  ready: boolean;
  /** Restarts in a row without a worker staying up; grows the back-off. */
  crashes: number;
}

const RESTART_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** A worker up this long after a restart is well again: the back-off starts over. */
const HEALTHY_AFTER_MS = 30_000;

/**
 * The main process's side of the gateway workers: forks them, shares its
 * listening plain-TCP socket with them (the kernel gives each new connection
 * to one process that accepts), restarts a worker that dies (with back-off;
 * its clients reconnect, and the session service ends their connections when
 * the worker's heartbeat stops), and drains them first on shutdown.
 */
export class GatewayWorkers {
  private readonly workers: Worker[];
  private setup: Omit<WorkerSetup, 'index' | 'type'> | undefined;
  private server: Server | undefined;
  private stopping = false;
  private lastAsk = 0;
  private readonly restarts = new Set<NodeJS.Timeout>();

  constructor(private readonly options: GatewayWorkersOptions) {
    this.workers = Array.from({ length: options.count }, (_, i) => ({ index: i + 1, child: undefined, ready: false, crashes: 0 }));
  }

  /**
   * Forks every worker, passing it the main gateway's listening `server` to
   * accept from, and resolves once all are serving; rejects with the first
   * worker's reason otherwise.
   */
  async start(setup: Omit<WorkerSetup, 'index' | 'type'>, server: Server): Promise<void> {
    this.setup = setup;
    this.server = server;
    try {
      await Promise.all(this.workers.map((w) => this.launch(w, false)));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * The metric samples of every worker serving now, for the main process's
   * `/metrics`; a worker that does not answer within `timeoutMs` is left out
   * (a scrape must not hang on one process).
   */
  async metrics(timeoutMs = 1_000): Promise<MetricSample[][]> {
    const asks = this.workers.map((worker) => {
      const child = worker.child;
      if (!worker.ready || !child?.connected) return undefined;
      const id = ++this.lastAsk;
      return new Promise<MetricSample[] | undefined>((resolve) => {
        const answered = (message: FromWorker): void => {
          if (message.type !== 'metrics' || message.id !== id) return;
          done(message.samples);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        const done = (samples: MetricSample[] | undefined): void => {
          clearTimeout(timer);
          child.off('message', answered);
          resolve(samples);
        };
        child.on('message', answered);
        child.send({ type: 'metrics', id } satisfies ToWorker);
      });
    });
    const answers = await Promise.all(asks);
    return answers.filter((samples): samples is MetricSample[] => samples !== undefined);
  }

  /** Number of workers serving now. */
  readyCount(): number {
    return this.workers.filter((w) => w.ready).length;
  }

  /** Asks every worker to drain (its gateway closes connections and publishes wills) and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    const timeout = this.options.stopTimeoutMs ?? 30_000;
    await Promise.all(
      this.workers.map(async (w) => {
        const child = w.child;
        w.ready = false;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
        const timer = setTimeout(() => {
          this.options.logger.warn('gateway worker did not stop in time: killing it', { worker: w.index, timeoutMs: timeout });
          child.kill('SIGKILL');
        }, timeout);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private launch(worker: Worker, restarting: boolean): Promise<void> {
    const { logger } = this.options;
    const setup = this.setup!;
    // Signals from a terminal reach the whole process group; the worker ignores them and waits for our `stop`.
    const child = fork(this.options.main, [WORKER_COMMAND], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    worker.child = child;
    const startedAt = Date.now();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let served = false;
      const startTimeout = this.options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(() => finish(new Error(`gateway worker ${worker.index} did not start within ${startTimeout} ms`)), startTimeout);
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          child.kill('SIGKILL');
          reject(err);
        } else resolve();
      };
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          worker.ready = true;
          served = true;
          logger.info('gateway worker started', { worker: worker.index, pid: child.pid, gatewayId: message.gatewayId });
          finish();
        } else if (message.type === 'failed') finish(new Error(`gateway worker ${worker.index}: ${message.reason}`));
      });
      child.once('error', (err) => finish(err));
      child.once('exit', (code, signal) => {
        worker.ready = false;
        worker.child = undefined;
        finish(new Error(`gateway worker ${worker.index} exited while starting (code ${code}, signal ${signal})`));
        // a worker that never served on the first start fails the platform's start instead
        if (this.stopping || (!served && !restarting)) return;
        // an unexpected exit: restart it, backing off while it keeps dying
        logger.error('gateway worker exited', { worker: worker.index, pid: child.pid, code, signal });
        worker.crashes = Date.now() - startedAt > HEALTHY_AFTER_MS ? 1 : worker.crashes + 1;
        const delay = RESTART_BACKOFF_MS[Math.min(worker.crashes - 1, RESTART_BACKOFF_MS.length - 1)]!;
        const restart = setTimeout(() => {
          this.restarts.delete(restart);
          this.launch(worker, true).catch((err: unknown) => logger.error('gateway worker restart failed', { worker: worker.index, error: err }));
        }, delay);
        this.restarts.add(restart);
      });
      // the listening socket travels with the setup: the worker accepts from it like this process does
      child.send({ type: 'setup', index: worker.index, ...setup } satisfies ToWorker, this.server);
    });
  }
}
