import { startNatsServer, type NatsServerHandle } from './nats-server';
import { PlatformProcess, tempDir, writeConfigFile } from './platform-process';

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
  /** Split only: the NATS URL a process (`gateway-1`, `session`, …) is given instead of the server's own, e.g. through a proxy a test can cut. */
  natsUrlFor?: (processName: string, natsUrl: string) => string;
}

export async function startStandalone(options: DeploymentOptions = {}): Promise<Deployment> {
  const data = tempDir();
  const args = ['--mqtt-port', String(options.mqttPort ?? 0), '--data-dir', data.path];
  if (options.config) args.push('--config', writeConfigFile(options.config));
  const proc = spawnPipe(options, 'standalone', args);
  const deployment: Deployment = {
    kind: 'standalone',
    mqttPorts: [],
    dataDir: data.path,
    processes: new Map([['standalone', proc]]),
    logs: () => proc.logs(),
    stop: async () => {
      await proc.stop();
      data.remove();
    },
  };
  try {
    await proc.waitReady();
  } catch (err) {
    await deployment.stop();
    throw err;
  }
  deployment.mqttPorts.push(proc.ports.mqtt!);
  return deployment;
}

/**
 * A split deployment on this machine: a real nats-server and one process per
 * service (auth, session, router, integration, and two gateways), talking
 * gRPC and NATS exactly as on separate hosts.
 */
export async function startSplit(options: DeploymentOptions = {}): Promise<Deployment> {
  const nats = await startNatsServer();
  const processes = new Map<string, PlatformProcess>();
  const data = tempDir();
  const configFile = options.config ? writeConfigFile(options.config) : undefined;
  const common = ['--data-dir', data.path, ...(configFile ? ['--config', configFile] : [])];
  const spawnService = (name: string, args: string[]): PlatformProcess =>
    spawnPipe(options, name, ['--nats', options.natsUrlFor?.(name, nats.url) ?? nats.url, ...common, ...args]);
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
    logs: () => [...processes.values()].map((p) => `--- ${p.name}\n${p.logs()}`).join('\n'),
    stop,
  };
  try {
    for (const service of ['auth', 'session', 'router'] as const) {
      processes.set(service, spawnService(service, ['--target', service, '--grpc-port', '0']));
    }
    processes.set('integration', spawnService('integration', ['--target', 'integration']));
    await Promise.all([...processes.values()].map((p) => p.waitReady()));

    const grpcAddress = (service: string): string => `127.0.0.1:${processes.get(service)!.ports.grpc}`;
    const addresses = ['--auth-address', grpcAddress('auth'), '--session-address', grpcAddress('session'), '--router-address', grpcAddress('router')];
    const gateways = [1, 2].map((n) => {
      const mqttPort = options.mqttPort !== undefined ? options.mqttPort + n - 1 : 0;
      const gw = spawnService(`gateway-${n}`, [...addresses, '--target', 'gateway', '--gateway-id', `gw${n}`, '--mqtt-port', String(mqttPort)]);
      processes.set(`gateway-${n}`, gw);
      return gw;
    });
    await Promise.all(gateways.map((g) => g.waitReady()));
    deployment.mqttPorts.push(...gateways.map((g) => g.ports.mqtt!));
  } catch (err) {
    await stop();
    throw err;
  }
  return deployment;
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
