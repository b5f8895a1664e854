import { freePort } from './free-port';
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
  logs(): string;
  stop(): Promise<void>;
}

export interface DeploymentOptions {
  /** Extra config (YAML tree) given to every process, e.g. `{ auth: { users: [...] } }`. */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** MQTT port of the first gateway (split: the second gets +1); default: free ports. */
  mqttPort?: number;
  /** Print each process's output as it comes (the `start:split` tool). */
  inheritOutput?: boolean;
}

export async function startStandalone(options: DeploymentOptions = {}): Promise<Deployment> {
  const data = tempDir();
  const mqttPort = options.mqttPort ?? (await freePort());
  const args = ['--mqtt-port', String(mqttPort), '--data-dir', data.path];
  if (options.config) args.push('--config', writeConfigFile(options.config));
  const proc = PlatformProcess.spawn('standalone', args, await freePort(), options.env);
  pipeIf(options, proc);
  const processes = new Map([['standalone', proc]]);
  const deployment: Deployment = {
    kind: 'standalone',
    mqttPorts: [mqttPort],
    processes,
    logs: () => proc.logs(),
    stop: async () => {
      await proc.stop();
      data.remove();
    },
  };
  await proc.waitReady().catch(async (err) => {
    await deployment.stop();
    throw err;
  });
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
  const common = ['--nats', nats.url, '--data-dir', data.path, ...(configFile ? ['--config', configFile] : [])];
  const stop = async (): Promise<void> => {
    // Gateways first, so their clients see a clean close while the services still answer.
    const order = [...processes.values()].reverse();
    await Promise.all(order.map((p) => p.stop()));
    await nats.stop();
    data.remove();
  };
  const deployment: Deployment = {
    kind: 'split',
    mqttPorts: [],
    processes,
    nats,
    logs: () => [...processes.values()].map((p) => `--- ${p.name}\n${p.logs()}`).join('\n'),
    stop,
  };
  try {
    const grpc = { auth: await freePort(), session: await freePort(), router: await freePort() };
    for (const service of ['auth', 'session', 'router'] as const) {
      const proc = PlatformProcess.spawn(service, [...common, '--target', service, '--grpc-port', String(grpc[service])], await freePort(), options.env);
      processes.set(service, proc);
      pipeIf(options, proc);
    }
    const integration = PlatformProcess.spawn('integration', [...common, '--target', 'integration'], await freePort(), options.env);
    processes.set('integration', integration);
    pipeIf(options, integration);
    await Promise.all([...processes.values()].map((p) => p.waitReady()));

    const addresses = ['--auth-address', `127.0.0.1:${grpc.auth}`, '--session-address', `127.0.0.1:${grpc.session}`, '--router-address', `127.0.0.1:${grpc.router}`];
    for (const n of [1, 2]) {
      const mqttPort = options.mqttPort !== undefined ? options.mqttPort + n - 1 : await freePort();
      const gw = PlatformProcess.spawn(
        `gateway-${n}`,
        [...common, ...addresses, '--target', 'gateway', '--gateway-id', `gw${n}`, '--mqtt-port', String(mqttPort)],
        await freePort(),
        options.env,
      );
      processes.set(`gateway-${n}`, gw);
      pipeIf(options, gw);
      deployment.mqttPorts.push(mqttPort);
    }
    await Promise.all([...processes.values()].map((p) => p.waitReady()));
  } catch (err) {
    await stop();
    throw err;
  }
  return deployment;
}

function pipeIf(options: DeploymentOptions, proc: PlatformProcess): void {
  if (!options.inheritOutput) return;
  const prefix = `[${proc.name}] `;
  const write = (d: Buffer): void => {
    for (const line of d.toString('utf8').split('\n')) if (line) process.stderr.write(prefix + line + '\n');
  };
  proc.child.stdout?.on('data', write);
  proc.child.stderr?.on('data', write);
}
