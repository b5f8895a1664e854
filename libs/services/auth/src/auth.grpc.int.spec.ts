import { authSchema } from '@mqp/config';
import { AuthGrpcClient, authGrpcHandlers, authServiceDefinition } from '@mqp/contracts';
import { GrpcServer, type GrpcLogger } from '@mqp/grpc';
import { silentLogger } from '@mqp/runtime';
import { SignJWT } from 'jose';
import { AuthService } from './auth.service';

const quietLogger: GrpcLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const SECRET = 'grpc-test-secret-grpc-test-secret-123';

/** The real AuthService behind mqp.auth.v1.Auth, as a split deployment runs it. */
describe('AuthService over gRPC', () => {
  let server: GrpcServer;
  let client: AuthGrpcClient;

  beforeAll(async () => {
    const service = new AuthService(
      authSchema.parse({
        jwt: { enabled: true, secret: SECRET },
        acl: [{ permission: 'allow', ipaddr: '10.0.0.0/8', topics: ['lan/#'] }],
        banned: [{ username: 'eve', reason: 'config ban' }],
      }),
      silentLogger,
    );
    server = new GrpcServer({ logger: quietLogger }).addService(authServiceDefinition, authGrpcHandlers(service));
    client = new AuthGrpcClient(`127.0.0.1:${await server.start({ host: '127.0.0.1', port: 0 })}`);
  });

  afterAll(async () => {
    client.closeChannel();
    await server.stop(1_000);
  });

  it('returns expiresAt and the ACL claim of a JWT, and checks them when the gateway sends them back', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await new SignJWT({ exp, acl: [{ permission: 'allow', action: 'publish', topics: ['dev/${clientid}/#'] }] })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    const result = await client.authenticate({ clientId: 'd1', username: 'd1', password: Buffer.from(token), remoteAddress: '192.0.2.1', protocolVersion: 5 });
    expect(result).toEqual({ decision: 'allow', superuser: false, expiresAt: exp * 1000, acl: [{ permission: 'allow', action: 'publish', topics: ['dev/${clientid}/#'] }] });
    const connectionAcl = result.decision === 'allow' ? result.acl : undefined;
    expect(await client.authorize({ clientId: 'd1', action: 'publish', topic: 'dev/d1/x', superuser: false, ...(connectionAcl ? { connectionAcl } : {}) })).toEqual({ allow: true });
    expect(await client.authorize({ clientId: 'd1', action: 'publish', topic: 'dev/d2/x', superuser: false, ...(connectionAcl ? { connectionAcl } : {}) })).toEqual({ allow: false });
  });

  it('carries remoteAddress and superuser to the ACL check', async () => {
    expect(await client.authorize({ clientId: 'c', action: 'publish', topic: 'lan/a', remoteAddress: '10.2.3.4' })).toEqual({ allow: true });
    expect(await client.authorize({ clientId: 'c', action: 'publish', topic: 'lan/a', remoteAddress: '192.0.2.1' })).toEqual({ allow: false });
    expect(await client.authorize({ clientId: 'c', action: 'subscribe', topic: '$SYS/#', superuser: true })).toEqual({ allow: true });
    expect(await client.authorize({ clientId: 'c', action: 'subscribe', topic: '$SYS/#' })).toEqual({ allow: false });
  });

  it('bans, lists and unbans over gRPC; a banned client is refused as banned', async () => {
    await client.ban({ kind: 'clientid', value: 'bad', reason: 'api ban', until: Date.now() + 60_000 });
    expect(await client.authenticate({ clientId: 'bad', remoteAddress: '127.0.0.1', protocolVersion: 4 })).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await client.authenticate({ clientId: 'x', username: 'eve', password: Buffer.from('p'), remoteAddress: '127.0.0.1', protocolVersion: 4 })).toEqual({
      decision: 'deny',
      reason: 'banned',
    });
    const bans = await client.listBans();
    expect(bans).toEqual(
      expect.arrayContaining([
        { kind: 'username', value: 'eve', reason: 'config ban', source: 'config' },
        { kind: 'clientid', value: 'bad', reason: 'api ban', source: 'api', until: expect.any(Number) },
      ]),
    );
    expect(await client.unban({ kind: 'clientid', value: 'bad' })).toEqual({ removed: true });
    expect(await client.listBans()).toHaveLength(1);
    await expect(client.ban({ kind: 'ipaddr', value: '10.0.0.0/99' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
