import { freePort } from './free-port';
import { startNatsServer, type NatsServerHandle } from './nats-server';
import { PlatformProcess, tempDir, writeConfigFile, type BoundPorts } from './platform-process';

/**
 * A running deployment as e2e tests see it: MQTT ports to connect to (one per
 * gateway) and a way to stop everything. The same e2e suite runs against
 * both kinds (ARCHITECTURE.md: "Both modes are tested end to end").
 */
export interface Deployment {
  kind: 'standalone' | 'split';
  /** MQTT port of each gateway; standalone has one. */
  mqttPorts: number[];
  processes: Map<string, PlatformProcess>;
  nats?: NatsServerHandle;
  /** The `--data-dir` every process of the deployment shares (its embedded store): for `mqp users|acl|data` against it. */
  dataDir: string;
  logs(): string;
  /**
   * Kills the process `name` (`signal`, default SIGKILL: a crash), waits for
   * its exit and starts it again with the same arguments — same data
   * directory, same MQTT and gRPC ports, so its peers and clients find it
   * where it was — then waits until it is ready. The new process replaces the
   * old one in `processes`.
   */
  restart(name: string, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface DeploymentOptions {
  /** Extra config (YAML tree) given to every process, e.g. `{ auth: { users: [...] } }`. */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** MQTT port of the first gateway (split: the second gets +1); default: any free ports. */
  mqttPort?: number;
  /** Print each process's output as it comes (the `start:split` tool). */
  inheritOutput?: boolean;
  /** Standalone only: `--gateway-workers N` (the main process and N-1 workers accept on the MQTT port). */
  gatewayWorkers?: number;
  /** Split only: the NATS URL a process (`gateway-1`, `session`, …) is given instead of the server's own, e.g. through a proxy a test can cut. */
  natsUrlFor?: (processName: string, natsUrl: string) => string;
}

export async function startStandalone(options: DeploymentOptions = {}): Promise<Deployment> {
  const data = tempDir();
  const args = ['--mqtt-port', String(options.mqttPort ?? 0), '--data-dir', data.path];
  if (options.config) args.push('--config', writeConfigFile(options.config));
  if (options.gatewayWorkers !== undefined) args.push('--gateway-workers', String(options.gatewayWorkers));
  const processes = new Map<string, PlatformProcess>();
  const launcher = new Launcher(options, processes);
  launcher.spawn('standalone', args);
  const deployment: Deployment = {
    kind: 'standalone',
    mqttPorts: [],
    dataDir: data.path,
    processes,
    logs: () => launcher.logs('standalone'),
    restart: (name, signal) => launcher.restart(name, signal),
    stop: async () => {
      await processes.get('standalone')!.stop();
      data.remove();
    },
  };
  try {
    await processes.get('standalone')!.waitReady();
  } catch (err) {
    await deployment.stop();
    throw err;
  }
  deployment.mqttPorts.push(launcher.pinPort('standalone', '--mqtt-port', 'mqtt'));
  return deployment;
}

/**
 * Standalone with two gateway workers: three processes accept on the one
 * MQTT port, so the clients of a test land in different gateways that share
 * the main process's bus and services.
 */
export function startStandaloneWithWorkers(options: DeploymentOptions = {}): Promise<Deployment> {
  return startStandalone({ ...options, gatewayWorkers: 3 });
}

/**
 * A split deployment on this machine: a real nats-server and one process per
 * service (auth, session, router, integration, and two gateways), talking
 * gRPC and NATS exactly as on separate hosts.
 */
export async function startSplit(options: DeploymentOptions = {}): Promise<Deployment> {
  const nats = await startNatsServer();
  const processes = new Map<string, PlatformProcess>();
  const launcher = new Launcher(options, processes);
  const data = tempDir();
  const configFile = options.config ? writeConfigFile(options.config) : undefined;
  const common = ['--data-dir', data.path, ...(configFile ? ['--config', configFile] : [])];
  const spawnService = (name: string, args: string[]): PlatformProcess =>
    launcher.spawn(name, ['--nats', options.natsUrlFor?.(name, nats.url) ?? nats.url, ...common, ...args]);
  const stop = async (): Promise<void> => {
    // Gateways first, so their clients see a clean close while the services still answer.
    const order = [...processes.values()].reverse();
    for (const p of order) await p.stop();
    await nats.stop();
    data.remove();
  };
  const deployment: Deployment = {
    kind: 'split',
    mqttPorts: [],
    dataDir: data.path,
    processes,
    nats,
    logs: () => [...processes.keys()].map((name) => `--- ${name}\n${launcher.logs(name)}`).join('\n'),
    restart: (name, signal) => launcher.restart(name, signal),
    stop,
  };
  try {
    // Fixed gRPC ports, not 0: the gateways are given these addresses once, so
    // a restarted service must come back on the same one; and the session
    // service derives its instance id from a fixed port, so after a restart it
    // takes back its own capture leases at once instead of waiting for them to expire.
    const grpcPorts = new Map<string, number>();
    for (const service of ['auth', 'session', 'router'] as const) {
      let port = await freePort();
      while ([...grpcPorts.values()].includes(port)) port = await freePort();
      grpcPorts.set(service, port);
      spawnService(service, ['--target', service, '--grpc-port', String(port)]);
    }
    spawnService('integration', ['--target', 'integration']);
    await Promise.all([...processes.values()].map((p) => p.waitReady()));

    const grpcAddress = (service: string): string => `127.0.0.1:${grpcPorts.get(service)}`;
    const addresses = ['--auth-address', grpcAddress('auth'), '--session-address', grpcAddress('session'), '--router-address', grpcAddress('router')];
    const gateways = [1, 2].map((n) => {
      const mqttPort = options.mqttPort !== undefined ? options.mqttPort + n - 1 : 0;
      spawnService(`gateway-${n}`, [...addresses, '--target', 'gateway', '--gateway-id', `gw${n}`, '--mqtt-port', String(mqttPort)]);
      return `gateway-${n}`;
    });
    await Promise.all(gateways.map((name) => processes.get(name)!.waitReady()));
    deployment.mqttPorts.push(...gateways.map((name) => launcher.pinPort(name, '--mqtt-port', 'mqtt')));
  } catch (err) {
    await stop();
    throw err;
  }
  return deployment;
}

/**
 * Spawns the processes of one deployment into `processes` and remembers how,
 * so `restart` can start one again exactly as before.
 */
class Launcher {
  private readonly argsOf = new Map<string, string[]>();
  /** The output of the lives before the current one: a restart must not hide why the test failed. */
  private readonly earlierLogs = new Map<string, string>();

  constructor(
    private readonly options: DeploymentOptions,
    private readonly processes: Map<string, PlatformProcess>,
  ) {}

  spawn(name: string, args: string[]): PlatformProcess {
    const proc = spawnPipe(this.options, name, args);
    this.argsOf.set(name, args);
    this.processes.set(name, proc);
    return proc;
  }

  /** Once `name` is ready: the port it bound for `flag` (given as 0) is the one a restart asks for. */
  pinPort(name: string, flag: string, kind: keyof BoundPorts): number {
    const port = this.processes.get(name)!.ports[kind]!;
    const args = this.argsOf.get(name)!;
    args[args.indexOf(flag) + 1] = String(port);
    return port;
  }

  async restart(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const args = this.argsOf.get(name);
    if (!args) throw new Error(`no process named ${name} (there are ${[...this.argsOf.keys()].join(', ')})`);
    // never two at once: they would share the data directory and the ports
    const code = await this.processes.get(name)!.stop(signal);
    this.earlierLogs.set(name, `${this.logs(name)}\n--- ${name} exited (${code ?? signal}), restarted\n`);
    await this.spawn(name, args).waitReady();
  }

  logs(name: string): string {
    return (this.earlierLogs.get(name) ?? '') + (this.processes.get(name)?.logs() ?? '');
  }
}

function spawnPipe(options: DeploymentOptions, name: string, args: string[]): PlatformProcess {
  const proc = PlatformProcess.spawn(name, args, options.env);
  if (options.inheritOutput) {
    const prefix = `[${name}] `;
    const write = (d: Buffer): void => {
      for (const line of d.toString('utf8').split('\n')) if (line) process.stderr.write(prefix + line + '\n');
    };
    proc.child.stdout?.on('data', write);
    proc.child.stderr?.on('data', write);
  }
  return proc;
}
