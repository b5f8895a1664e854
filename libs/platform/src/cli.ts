import { loadConfig, type MqpConfig } from '@mqp/config';
import { ConfigError } from '@mqp/model';
import { createLogger, onShutdownSignal } from '@mqp/runtime';
import { Platform } from './platform';
import { runGatewayWorker } from './gateway-workers/gateway-worker';
import { WORKER_COMMAND } from './gateway-workers/worker-messages';
import { UsageError } from './store-command';
import { isStoreCommand, runStoreCommand, STORE_COMMANDS_USAGE } from './store-commands';
import { servicesOf, type ServiceName } from './targets';

/**
 * `mqp start [--config FILE] [--target LIST] [--mqtt-port N] [--http-port N]
 * [--data-dir DIR] [--nats URL] [--mongodb URI]` plus the split-mode flags
 * `--grpc-port N`, `--gateway-id ID`, `--auth-address`, `--session-address`,
 * `--router-address HOST:PORT`, and `--gateway-workers N` (standalone). Exit codes: 0 clean shutdown, 2 bad usage or
 * config, 1 failure to start (for example a port in use), each with a
 * one-line reason on stderr.
 */
const FLAG_PATHS: Record<string, { path: string; type: 'number' | 'string' }> = {
  '--mqtt-port': { path: 'listeners.tcp.port', type: 'number' },
  '--tls-port': { path: 'listeners.tls.port', type: 'number' },
  '--ws-port': { path: 'listeners.ws.port', type: 'number' },
  '--wss-port': { path: 'listeners.wss.port', type: 'number' },
  '--http-port': { path: 'http.port', type: 'number' },
  '--data-dir': { path: 'storage.dir', type: 'string' },
  '--nats': { path: 'nats.url', type: 'string' },
  '--mongodb': { path: 'storage.mongodb.uri', type: 'string' },
  '--grpc-port': { path: 'grpc.port', type: 'number' },
  '--gateway-id': { path: 'gateway.id', type: 'string' },
  '--gateway-workers': { path: 'gateway.workers', type: 'number' },
  '--auth-address': { path: 'services.auth.address', type: 'string' },
  '--session-address': { path: 'services.session.address', type: 'string' },
  '--router-address': { path: 'services.router.address', type: 'string' },
  '--log-level': { path: 'log.level', type: 'string' },
};

export interface StartOptions {
  configFile?: string;
  target: string;
  overrides: Record<string, unknown>;
}

export function parseStartFlags(args: readonly string[], defaultTarget = 'all'): StartOptions {
  const options: StartOptions = { target: defaultTarget, overrides: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (flag === '--config') options.configFile = value;
    else if (flag === '--target') options.target = value;
    else {
      const known = FLAG_PATHS[flag];
      if (!known) throw new UsageError(`unknown flag ${flag}`);
      if (known.type === 'number') {
        const n = Number(value);
        if (!Number.isInteger(n)) throw new UsageError(`${flag} needs a whole number, got "${value}"`);
        options.overrides[known.path] = n;
      } else options.overrides[known.path] = value;
    }
  }
  return options;
}

export { UsageError };

const USAGE = `usage: mqp start [--config FILE] [--target all|gateway,session,auth,router,integration]
                 [--mqtt-port N] [--tls-port N] [--ws-port N] [--wss-port N] [--http-port N] [--data-dir DIR] [--nats URL] [--mongodb URI]
                 [--gateway-workers N]
                 [--grpc-port N] [--gateway-id ID] [--auth-address H:P] [--session-address H:P] [--router-address H:P]
${STORE_COMMANDS_USAGE}`;

/** Runs the CLI; `fixedTarget` is set by the per-service apps (`apps/gateway` runs only the gateway). */
export async function runCli(argv: readonly string[], fixedTarget?: ServiceName): Promise<void> {
  const [command = 'start', ...rest] = argv[0]?.startsWith('--') ? ['start', ...argv] : argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (isStoreCommand(command) && !fixedTarget) return runStoreCli(command, rest);
  if (command === WORKER_COMMAND && !fixedTarget) return runGatewayWorker((config) => startTelemetryIfConfigured(config, ['gateway']));
  if (command !== 'start') return fail(2, `unknown command "${command}"\n${USAGE}`);

  let config: MqpConfig;
  let services: ServiceName[];
  try {
    const flags = parseStartFlags(rest, fixedTarget ?? 'all');
    if (fixedTarget && flags.target !== fixedTarget) throw new UsageError(`this binary runs only --target ${fixedTarget}`);
    services = servicesOf(flags.target);
    config = loadConfig({ file: flags.configFile, env: process.env, overrides: flags.overrides });
  } catch (err) {
    return fail(2, describe(err));
  }

  const logger = createLogger({ level: config.log.level, name: `mqp` });
  const stopTelemetry = await startTelemetryIfConfigured(config, services);
  let platform: Platform;
  try {
    // gateway workers are forked from this same binary
    platform = await Platform.start({ config, services, logger, wiring: process.argv[1] ? { workerMain: process.argv[1] } : {} });
  } catch (err) {
    await stopTelemetry();
    return fail(err instanceof ConfigError ? 2 : 1, describe(err));
  }
  onShutdownSignal(logger, async () => {
    await platform.stop();
    await stopTelemetry();
  });
}

/** `mqp users|acl|data`: exit 0 when done, 2 for bad usage, input or config, 1 for anything else (store unreachable). */
async function runStoreCli(command: Parameters<typeof runStoreCommand>[0], args: readonly string[]): Promise<void> {
  try {
    await runStoreCommand(command, args);
  } catch (err) {
    return fail(err instanceof UsageError || err instanceof ConfigError ? 2 : 1, describe(err));
  }
  // Explicit: a store driver (MongoDB) may keep timers alive after close.
  process.stdout.write('', () => process.exit(0));
}

/** Set by apps: starts the OpenTelemetry SDK (libraries only use the API). */
let telemetryStarter: ((config: MqpConfig, serviceName: string) => Promise<() => Promise<void>>) | undefined;

export function useTelemetry(starter: typeof telemetryStarter): void {
  telemetryStarter = starter;
}

async function startTelemetryIfConfigured(config: MqpConfig, services: readonly ServiceName[]): Promise<() => Promise<void>> {
  if (!telemetryStarter) return async () => {};
  const name = services.length === 1 ? `${config.telemetry.serviceName}-${services[0]}` : config.telemetry.serviceName;
  return telemetryStarter(config, name);
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
    return `cannot listen on ${e.address ?? ''}:${e.port ?? '?'}: port already in use`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** One line on stderr, then exit: open handles (a half-started bus, timers) must not keep a failed start alive. */
function fail(code: number, message: string): void {
  process.stderr.write(`mqp: ${message.replace(/\n/g, ' ')}\n`, () => process.exit(code));
}
