import { Server, ServerCredentials, type Metadata, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { errorCodeOf } from '@mqp/model';
import { extractHeaders, SpanKind, withSpan } from '@mqp/telemetry';
import { HEALTH_SERVICE_NAME, healthDefinition, HealthRegistry } from './health';
import { toServiceError } from './status-mapping';
import { DEFAULT_MAX_MESSAGE_BYTES, rpcNameOf, serviceNameOf, type GrpcLogger, type ServiceHandlers, type ServiceMethods, type UnaryHandler } from './grpc.types';

export interface GrpcServerOptions {
  logger: GrpcLogger;
  /** Default 16 MiB on both directions (see DEFAULT_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
}

/** How long `stop()` lets calls in flight finish before cutting them off. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

/**
 * Builds a gRPC server from promise-based handlers. Each call runs inside a
 * SERVER span continued from the caller's `traceparent`, and a thrown error
 * becomes a gRPC status through status-mapping. The server also answers the
 * standard health service for every service it hosts.
 *
 *   const server = new GrpcServer({ logger }).addService(authDefinition, authGrpcHandlers(auth));
 *   const port = await server.start({ host: '127.0.0.1', port: 0 });
 */
export class GrpcServer {
  private readonly server: Server;
  private readonly logger: GrpcLogger;
  private readonly health = new HealthRegistry();
  private readonly services: string[] = [];
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(options: GrpcServerOptions) {
    this.logger = options.logger;
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.server = new Server({ 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max });
    this.server.addService(healthDefinition as unknown as ServiceDefinition, this.health.implementation(this.logger));
  }

  /** Hosts a service; every method must be unary and have a handler. */
  addService<D extends ServiceMethods>(definition: D, handlers: ServiceHandlers<D>): this {
    if (this.state !== 'new') throw new Error('GrpcServer.addService must be called before start()');
    const implementation: UntypedServiceImplementation = {};
    let serviceName: string | undefined;
    for (const [name, method] of Object.entries(definition)) {
      const handler = (handlers as Record<string, UnaryHandler<unknown, unknown> | undefined>)[name];
      if (method.requestStream || method.responseStream) throw new Error(`${method.path}: streaming methods are not supported`);
      if (typeof handler !== 'function') throw new Error(`${method.path}: no handler`);
      serviceName = serviceNameOf(method.path);
      implementation[name] = this.wrap(method.path, handler);
    }
    if (serviceName === undefined) throw new Error('GrpcServer.addService: the definition has no methods');
    if (serviceName === HEALTH_SERVICE_NAME) throw new Error(`${HEALTH_SERVICE_NAME} is served by GrpcServer itself`);
    this.server.addService(definition as unknown as ServiceDefinition, implementation);
    this.services.push(serviceName);
    return this;
  }

  /** Sets what the health service answers for `service` (fully qualified, e.g. `mqp.auth.v1.Auth`; `''` = the whole server). */
  setServing(service: string, serving: boolean): void {
    this.health.set(service, serving);
  }

  /**
   * Listens on `host:port` (port 0 picks a free one) and resolves with the
   * bound port, or on a Unix socket `path` (resolves 0; clients use
   * `unix:<path>`); every hosted service starts SERVING.
   */
  async start(address: { host: string; port: number } | { path: string }): Promise<number> {
    if (this.state !== 'new') throw new Error('GrpcServer.start may be called once');
    this.state = 'started';
    const target = 'path' in address ? `unix:${address.path}` : `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
    const port = await new Promise<number>((resolve, reject) => {
      // Inter-service TLS is not configured yet (see docs); listen on an internal network (or a private Unix socket) only.
      this.server.bindAsync(target, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    this.health.set('', true);
    for (const service of this.services) if (this.health.get(service) === undefined) this.health.set(service, true);
    this.logger.info('gRPC server listening', { address: target, services: this.services.join(',') });
    return port;
  }

  /** Reports NOT_SERVING, lets calls in flight finish for up to `graceMs`, then cuts the rest off. */
  async stop(graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    if (this.state === 'stopped') return;
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    this.health.shutdown();
    if (!wasStarted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn('gRPC server did not drain in time; closing calls in flight', { graceMs });
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wrap(path: string, handler: UnaryHandler<unknown, unknown>) {
    const name = rpcNameOf(path);
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': serviceNameOf(path), 'rpc.method': name.slice(name.lastIndexOf('/') + 1) };
    return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const respond: sendUnaryData<unknown> = (err, value) => {
        try {
          callback(err, value);
        } catch (sendErr) {
          this.logger.error('gRPC response could not be sent', { method: name, error: sendErr });
        }
      };
      const run = async (): Promise<unknown> =>
        withSpan(name, { kind: SpanKind.SERVER, attributes, parent: extractHeaders(headersOf(call.metadata)) }, () =>
          handler(call.request, { metadata: call.metadata, peer: call.getPeer(), signal: abort.signal }),
        );
      run().then(
        (response) => respond(null, response),
        (err: unknown) => {
          if (errorCodeOf(err) === 'INTERNAL') this.logger.error('gRPC handler failed', { method: name, error: err });
          else this.logger.debug('gRPC handler refused a call', { method: name, error: err });
          respond(toServiceError(err));
        },
      );
    };
  }
}

/** Text metadata as a header record for the propagator; keys are caller-controlled, hence no prototype. */
function headersOf(metadata: Metadata): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (typeof value === 'string') headers[key] = value;
  }
  return headers;
}
