import type { MqpConfig } from '@mqp/config';
import { HttpServer, ModuleManager, sendJson, type Logger, type MetricsRegistry } from '@mqp/runtime';
import type { GatewayWorkers } from './gateway-workers/gateway-workers';
import { platformModules, startList, type ProcessWiring } from './modules';
import { type ServiceName } from './targets';
import { validateDeployment } from './validate-deployment';

/**
 * One running process of the platform: the HTTP surface first (so `/ready`
 * answers 503 while modules start), then the modules of its services.
 */
export class Platform {
  private constructor(
    private readonly manager: ModuleManager,
    private readonly http: HttpServer | undefined,
    readonly httpPort: number | undefined,
    private readonly logger: Logger,
  ) {}

  static async start(options: { config: MqpConfig; services: readonly ServiceName[]; logger: Logger; wiring?: ProcessWiring }): Promise<Platform> {
    const { config, services, logger, wiring = {} } = options;
    // a gateway worker is wired by its main process, which validated the deployment
    if (!wiring.worker) {
      validateDeployment(config, services);
      warnAboutOpenAuth(config, services, logger);
    }

    const manager = new ModuleManager(logger);
    for (const def of platformModules(config, services, wiring)) manager.register(def);

    let http: HttpServer | undefined;
    let httpPort: number | undefined;
    if (config.http.enabled) {
      http = new HttpServer(logger.child('http'));
      http.route('GET', '/ready', (_req, res) => {
        const health = manager.health();
        sendJson(res, health.ready ? 200 : 503, health);
      });
      http.route('GET', '/metrics', async (_req, res) => {
        const metrics = manager.value<MetricsRegistry>('metrics');
        // with gateway workers, one node's figures: theirs added to ours
        const workers = (await manager.value<GatewayWorkers>('gateway.workers')?.metrics()) ?? [];
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics?.render(workers) ?? '');
      });
      httpPort = await http.listen(config.http.host, config.http.port);
    }
    try {
      await manager.start(startList(config, services));
    } catch (err) {
      await http?.close();
      throw err;
    }
    const platform = new Platform(manager, http, httpPort, logger);
    if (wiring.worker) return platform;
    // Tools and tests read the bound ports from this line (port 0 in config = any free port).
    const listenerPorts = platform.value<{ ports(): { tls?: number; ws?: number; wss?: number } }>('gateway')?.ports();
    logger.info('mqp started', {
      services: services.join(','),
      ...(config.gateway.workers > 1 ? { gatewayWorkers: config.gateway.workers - 1 } : {}),
      mqttPort: platform.mqttPort(),
      // only the enabled listeners (undefined fields are left out of the line)
      tlsPort: listenerPorts?.tls,
      wsPort: listenerPorts?.ws,
      wssPort: listenerPorts?.wss,
      httpPort,
      grpcPort: platform.value<{ port(): number }>('grpc.server')?.port(),
    });
    return platform;
  }

  /** The bound MQTT port when this process runs a gateway. */
  mqttPort(): number | undefined {
    return this.manager.value<{ port(): number }>('gateway')?.port();
  }

  value<T>(module: string): T | undefined {
    return this.manager.value<T>(module);
  }

  async stop(): Promise<void> {
    await this.manager.stop();
    await this.http?.close();
    this.logger.info('mqp stopped');
  }
}

function warnAboutOpenAuth(config: MqpConfig, services: readonly ServiceName[], logger: Logger): void {
  if (!services.includes('auth')) return;
  const { allowAnonymous, users } = config.auth;
  if (allowAnonymous === undefined && users.length === 0) {
    logger.warn('no authentication configured: anonymous clients are accepted from loopback only; configure auth.users or auth.allowAnonymous');
  } else if (allowAnonymous === true) {
    logger.warn('auth.allowAnonymous is true: clients without credentials are accepted from any address');
  }
}
