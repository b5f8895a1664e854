import { createServer, type AddressInfo } from 'node:net';
import { checkHealth, GrpcServer, type GrpcLogger } from '@mqp/grpc';
import { InvalidArgumentError, MqpError, ServiceUnavailableError, type Message } from '@mqp/model';
import type { AuthApi, AuthenticateRequest, AuthorizeRequest } from '../auth.api';
import type { RouterApi, RouteInfo, RoutesRequest } from '../router.api';
import type {
  CloseSessionRequest,
  OpenSessionRequest,
  ResumeSessionRequest,
  SessionApi,
  SessionHandOver,
  SessionInfo,
  SubscribeSessionRequest,
  SuspendSessionRequest,
  UnsubscribeSessionRequest,
} from '../session.api';
import { AuthGrpcClient, authGrpcHandlers } from './auth.grpc';
import { authServiceDefinition, grpcServiceNames, routerServiceDefinition, sessionServiceDefinition } from './definitions';
import { RouterGrpcClient, routerGrpcHandlers } from './router.grpc';
import { SessionGrpcClient, sessionGrpcHandlers } from './session.grpc';

const quietLogger: GrpcLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Fakes that record what reached them and answer from what the test sets. */
class FakeAuth implements AuthApi {
  seen: Array<AuthenticateRequest | AuthorizeRequest> = [];
  async authenticate(req: AuthenticateRequest) {
    this.seen.push(req);
    if (req.clientId === 'bad') throw new InvalidArgumentError('client id refused');
    if (req.clientId === 'banned') return { decision: 'deny' as const, reason: 'banned' as const };
    return { decision: 'allow' as const, superuser: req.username === 'admin' };
  }
  async authorize(req: AuthorizeRequest) {
    this.seen.push(req);
    return { allow: req.action === 'subscribe' && req.topic === 'a/+' };
  }
  // Bans over gRPC are checked in auth-grpc.int.spec.ts.
  async ban() {}
  async unban() {
    return { removed: false };
  }
  async listBans() {
    return [];
  }
  async replaceAcl() {}
}

class FakeSession implements SessionApi {
  seen: Array<OpenSessionRequest | CloseSessionRequest | SuspendSessionRequest | ResumeSessionRequest | SubscribeSessionRequest | UnsubscribeSessionRequest | { gatewayId: string }> = [];
  sessions: SessionInfo[] = [];
  held: SessionHandOver = { inflight: [], queued: [], awaitingRel: [] };
  async open(req: OpenSessionRequest) {
    this.seen.push(req);
    return req.clientId === 'again'
      ? { sessionPresent: true, takenOver: { gatewayId: 'gw-old', connectionId: 'conn-old' } }
      : { sessionPresent: false };
  }
  async close(req: CloseSessionRequest) {
    this.seen.push(req);
  }
  async list() {
    return this.sessions;
  }
  async resetGateway(req: { gatewayId: string }) {
    this.seen.push(req);
  }
  async suspend(req: SuspendSessionRequest) {
    this.seen.push(req);
  }
  async resume(req: ResumeSessionRequest) {
    this.seen.push(req);
    return this.held;
  }
  async subscribe(req: SubscribeSessionRequest) {
    this.seen.push(req);
  }
  async unsubscribe(req: UnsubscribeSessionRequest) {
    this.seen.push(req);
  }
}

class FakeRouter implements RouterApi {
  seen: Array<RoutesRequest | { gatewayId: string } | { filter: string }> = [];
  routes: RouteInfo[] = [];
  retained: Message[] = [];
  async addRoutes(req: RoutesRequest) {
    this.seen.push(req);
  }
  async removeRoutes(req: RoutesRequest) {
    this.seen.push(req);
  }
  async resetGateway(req: { gatewayId: string }) {
    this.seen.push(req);
  }
  async listRoutes() {
    return this.routes;
  }
  async retain(message: Message) {
    this.retained.push(message);
  }
  async matchRetained(req: { filter: string }) {
    this.seen.push(req);
    return this.retained;
  }
}

describe('contracts over gRPC', () => {
  const auth = new FakeAuth();
  const session = new FakeSession();
  const router = new FakeRouter();
  let server: GrpcServer;
  let address: string;
  let authClient: AuthGrpcClient;
  let sessionClient: SessionGrpcClient;
  let routerClient: RouterGrpcClient;

  beforeAll(async () => {
    server = new GrpcServer({ logger: quietLogger })
      .addService(authServiceDefinition, authGrpcHandlers(auth))
      .addService(sessionServiceDefinition, sessionGrpcHandlers(session))
      .addService(routerServiceDefinition, routerGrpcHandlers(router));
    address = `127.0.0.1:${await server.start({ host: '127.0.0.1', port: 0 })}`;
    authClient = new AuthGrpcClient(address);
    sessionClient = new SessionGrpcClient(address);
    routerClient = new RouterGrpcClient(address);
  });

  afterAll(async () => {
    authClient.closeChannel();
    sessionClient.closeChannel();
    routerClient.closeChannel();
    await server.stop(1_000);
  });

  describe('Auth', () => {
    it('carries an authenticate request with password bytes and returns the decision', async () => {
      const req: AuthenticateRequest = { clientId: 'c1', username: 'admin', password: Buffer.from([0, 255, 7]), remoteAddress: '10.0.0.1', protocolVersion: 5 };
      await expect(authClient.authenticate(req)).resolves.toEqual({ decision: 'allow', superuser: true });
      expect(auth.seen.at(-1)).toEqual(req);
    });

    it('leaves an absent username and password absent', async () => {
      await authClient.authenticate({ clientId: 'c2', remoteAddress: '127.0.0.1', protocolVersion: 4 });
      expect(auth.seen.at(-1)).toEqual({ clientId: 'c2', remoteAddress: '127.0.0.1', protocolVersion: 4 });
    });

    it('carries the client certificate identity of a TLS connection', async () => {
      const certificate = { subjectCN: 'device-1', subjectAltNames: ['DNS:device-1.example', 'IP Address:10.0.0.1'], fingerprint256: 'AB:CD' };
      await authClient.authenticate({ clientId: 'c4', remoteAddress: '127.0.0.1', protocolVersion: 4, certificate });
      expect(auth.seen.at(-1)).toEqual({ clientId: 'c4', remoteAddress: '127.0.0.1', protocolVersion: 4, certificate });
      await authClient.authenticate({ clientId: 'c5', remoteAddress: '127.0.0.1', protocolVersion: 4, certificate: { fingerprint256: 'EF' } });
      expect(auth.seen.at(-1)).toEqual({ clientId: 'c5', remoteAddress: '127.0.0.1', protocolVersion: 4, certificate: { fingerprint256: 'EF' } });
    });

    it('returns a deny with its reason', async () => {
      await expect(authClient.authenticate({ clientId: 'banned', remoteAddress: '127.0.0.1', protocolVersion: 4 })).resolves.toEqual({
        decision: 'deny',
        reason: 'banned',
      });
    });

    it('delivers an InvalidArgumentError from the implementation as InvalidArgumentError', async () => {
      const err = await authClient.authenticate({ clientId: 'bad', remoteAddress: '127.0.0.1', protocolVersion: 4 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as MqpError).code).toBe('INVALID_ARGUMENT');
      expect((err as MqpError).message).toContain('client id refused');
    });

    it('refuses a protocol version that is not 3, 4 or 5 with INVALID_ARGUMENT', async () => {
      const err = await authClient.authenticate({ clientId: 'c3', remoteAddress: '127.0.0.1', protocolVersion: 6 as 5 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
    });

    it('carries authorize requests and answers', async () => {
      await expect(authClient.authorize({ clientId: 'c1', action: 'subscribe', topic: 'a/+' })).resolves.toEqual({ allow: true });
      await expect(authClient.authorize({ clientId: 'c1', username: 'u', action: 'publish', topic: 'a/b' })).resolves.toEqual({ allow: false });
      expect(auth.seen.at(-1)).toEqual({ clientId: 'c1', username: 'u', action: 'publish', topic: 'a/b' });
    });
  });

  describe('Session', () => {
    it('carries open, and returns the connection taken over [MQTT-3.1.4-2]', async () => {
      const req: OpenSessionRequest = { clientId: 'again', gatewayId: 'gw1', connectionId: 'conn1', protocolVersion: 5, cleanStart: false, sessionExpiryInterval: 3600 };
      await expect(sessionClient.open(req)).resolves.toEqual({ sessionPresent: true, takenOver: { gatewayId: 'gw-old', connectionId: 'conn-old' } });
      expect(session.seen.at(-1)).toEqual(req);
      await expect(sessionClient.open({ ...req, clientId: 'new' })).resolves.toEqual({ sessionPresent: false });
    });

    it('carries the will and the gateway start time of an open, for a gateway that dies [MQTT-3.1.2-8]', async () => {
      const message: Message = { id: 'w1', topic: 'status/c1', payload: Buffer.from('gone'), qos: 1, retain: true, origin: { clientId: 'c1', gatewayId: 'gw1' }, createdAt: 5 };
      const req: OpenSessionRequest = {
        clientId: 'new-will',
        gatewayId: 'gw1',
        connectionId: 'conn1',
        protocolVersion: 5,
        cleanStart: true,
        sessionExpiryInterval: 0,
        will: { message, delaySeconds: 2 },
        gatewayStartedAt: 1_700_000_000_123,
      };
      await sessionClient.open(req);
      expect(session.seen.at(-1)).toEqual(req);
    });

    it('carries close, list and resetGateway', async () => {
      await sessionClient.close({ clientId: 'c1', connectionId: 'conn1' });
      expect(session.seen.at(-1)).toEqual({ clientId: 'c1', connectionId: 'conn1' });
      await sessionClient.resetGateway({ gatewayId: 'gw9' });
      expect(session.seen.at(-1)).toEqual({ gatewayId: 'gw9' });
      session.sessions = [{ clientId: 'c1', gatewayId: 'gw1', connectionId: 'conn1', protocolVersion: 3, connectedAt: 1_700_000_000_000 }];
      await expect(sessionClient.list()).resolves.toEqual(session.sessions);
    });

    it('carries suspend, a close with a hand-over and will, and resume with DUP state [MQTT-4.4.0-1]', async () => {
      const subscriptions = [{ filter: 'a/#', qos: 2 as const, noLocal: true, retainAsPublished: false }];
      await sessionClient.suspend({ clientId: 'c1', connectionId: 'conn1', subscriptions });
      expect(session.seen.at(-1)).toEqual({ clientId: 'c1', connectionId: 'conn1', subscriptions });
      const message: Message = { id: 'm1', topic: 'a/b', payload: Buffer.from('p'), qos: 2, retain: false, origin: { clientId: 'o', gatewayId: 'g' }, createdAt: 5 };
      const handOver: SessionHandOver = {
        inflight: [{ message, qos: 2, packetId: 7, released: true }, { message: { ...message, id: 'm2' }, qos: 1, packetId: 8 }],
        queued: [{ message: { ...message, id: 'm3' }, qos: 1 }],
        awaitingRel: [3, 4],
      };
      const close: CloseSessionRequest = { clientId: 'c1', connectionId: 'conn1', handOver, sessionExpiryInterval: 60, will: { message, delaySeconds: 5 } };
      await sessionClient.close(close);
      expect(session.seen.at(-1)).toEqual(close);
      session.held = handOver;
      await expect(sessionClient.resume({ clientId: 'c1', connectionId: 'conn2' })).resolves.toEqual(handOver);
    });

    it('carries subscribe with every subscription option, and unsubscribe', async () => {
      const subscriptions = [
        { filter: 'a/#', qos: 1 as const, noLocal: true, retainAsPublished: true, subscriptionId: 268_435_455 },
        { filter: 'b', qos: 0 as const, noLocal: false, retainAsPublished: false },
      ];
      await sessionClient.subscribe({ clientId: 'c1', connectionId: 'conn1', subscriptions });
      expect(session.seen.at(-1)).toEqual({ clientId: 'c1', connectionId: 'conn1', subscriptions });
      await sessionClient.unsubscribe({ clientId: 'c1', connectionId: 'conn1', filters: ['a/#', 'b'] });
      expect(session.seen.at(-1)).toEqual({ clientId: 'c1', connectionId: 'conn1', filters: ['a/#', 'b'] });
    });
  });

  describe('Router', () => {
    it('carries route changes and lists routes', async () => {
      await routerClient.addRoutes({ gatewayId: 'gw1', filters: ['a/+', '$share/g/b/#'] });
      expect(router.seen.at(-1)).toEqual({ gatewayId: 'gw1', filters: ['a/+', '$share/g/b/#'] });
      await routerClient.removeRoutes({ gatewayId: 'gw1', filters: ['a/+'] });
      expect(router.seen.at(-1)).toEqual({ gatewayId: 'gw1', filters: ['a/+'] });
      await routerClient.resetGateway({ gatewayId: 'gw1' });
      expect(router.seen.at(-1)).toEqual({ gatewayId: 'gw1' });
      router.routes = [{ filter: 'a/#', gateways: [{ gatewayId: 'gw1', count: 2 }, { gatewayId: 'gw2', count: 1 }] }];
      await expect(routerClient.listRoutes()).resolves.toEqual(router.routes);
    });

    it('returns a retained message unchanged from Retain to MatchRetained', async () => {
      const message: Message = {
        id: 'msg-1',
        topic: 'sensors/1/temp',
        payload: Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x00]),
        qos: 1,
        retain: true,
        origin: { clientId: 'dev-1', gatewayId: 'gw1' },
        createdAt: 1_700_000_000_123,
        expiresAt: 1_700_000_100_123,
        properties: {
          payloadFormatIndicator: true,
          messageExpiryInterval: 100,
          contentType: 'text/plain',
          responseTopic: 'sensors/1/reply',
          correlationData: Buffer.from('corr'),
          userProperties: [
            ['b', '1'],
            ['a', '2'],
            ['b', '3'],
          ],
        },
      };
      await routerClient.retain(message);
      expect(router.retained[0]).toEqual(message);
      await expect(routerClient.matchRetained({ filter: 'sensors/+/temp' })).resolves.toEqual([message]);
      expect(router.seen.at(-1)).toEqual({ filter: 'sensors/+/temp' });
    });

    it('carries a retained message near the 1 MiB default packet size', async () => {
      router.retained = [];
      const big: Message = { id: 'big', topic: 't', payload: Buffer.alloc(1024 * 1024, 7), qos: 0, retain: true, origin: { clientId: 'c', gatewayId: 'g' }, createdAt: 1 };
      await routerClient.retain(big);
      const [back] = await routerClient.matchRetained({ filter: 't' });
      expect(back?.payload.equals(big.payload)).toBe(true);
    });
  });

  it('reports each hosted service SERVING by its grpcServiceNames name', async () => {
    for (const name of Object.values(grpcServiceNames)) expect(await checkHealth(address, name)).toBe(true);
  });
});

describe('contracts clients with no server', () => {
  it('fail closed: authenticate rejects with ServiceUnavailableError, never an allow', async () => {
    // A port that was free a moment ago: bound, then released.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new AuthGrpcClient(`127.0.0.1:${port}`, { deadlineMs: 1_000 });
    try {
      await expect(client.authenticate({ clientId: 'c', remoteAddress: '127.0.0.1', protocolVersion: 4 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    } finally {
      client.closeChannel();
    }
  });
});
