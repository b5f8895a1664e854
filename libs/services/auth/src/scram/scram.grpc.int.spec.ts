import { authSchema } from '@mqp/config';
import { AuthGrpcClient, authGrpcHandlers, authServiceDefinition } from '@mqp/contracts';
import { GrpcServer, type GrpcLogger } from '@mqp/grpc';
import { silentLogger } from '@mqp/runtime';
import { AuthService } from '../auth.service';
import { hmac, saltedPassword, scramKeys } from './scram-credentials';

const quietLogger: GrpcLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const base = { clientId: 'c1', remoteAddress: '10.0.0.1', protocolVersion: 5 as const, method: 'SCRAM-SHA-256' };

/** The SCRAM exchange through mqp.auth.v1.Auth/AuthenticateExchange, as a split deployment runs it. */
describe('SCRAM-SHA-256 exchange over gRPC', () => {
  let server: GrpcServer;
  let client: AuthGrpcClient;

  beforeAll(async () => {
    const service = new AuthService(authSchema.parse({ users: [{ username: 'alice', password: 'secret', superuser: true }] }), silentLogger, {
      hashing: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } },
    });
    server = new GrpcServer({ logger: quietLogger }).addService(authServiceDefinition, authGrpcHandlers(service));
    client = new AuthGrpcClient(`127.0.0.1:${await server.start({ host: '127.0.0.1', port: 0 })}`);
  });

  afterAll(async () => {
    client.closeChannel();
    await server.stop(1_000);
  });

  async function login(password: string): Promise<Awaited<ReturnType<AuthGrpcClient['authenticateExchange']>>> {
    const bare = 'n=alice,r=grpcnonce';
    const first = await client.authenticateExchange({ ...base, username: 'alice', data: Buffer.from(`n,,${bare}`) });
    if (first.outcome !== 'continue') throw new Error(`expected continue, got ${first.outcome}`);
    const serverFirst = first.data.toString();
    const attrs = new Map(serverFirst.split(',').map((a) => [a[0], a.slice(2)] as const));
    const { clientKey, storedKey, serverKey } = scramKeys(saltedPassword(password, Buffer.from(attrs.get('s') ?? '', 'base64'), Number(attrs.get('i'))));
    const withoutProof = `c=biws,r=${attrs.get('r')}`;
    const authMessage = `${bare},${serverFirst},${withoutProof}`;
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (hmac(storedKey, authMessage)[i] as number))).toString('base64');
    const final = await client.authenticateExchange({ ...base, username: 'alice', data: Buffer.from(`${withoutProof},p=${proof}`), state: first.state });
    if (final.outcome === 'allow') expect(final.data?.toString()).toBe(`v=${hmac(serverKey, authMessage).toString('base64')}`);
    return final;
  }

  it('carries challenge, state, and the allow with server-final data across the wire', async () => {
    expect(await login('secret')).toMatchObject({ outcome: 'allow', superuser: true, username: 'alice' });
  });

  it('carries a deny with its reason: not_authorized for a wrong password, bad_auth_method for another method', async () => {
    expect(await login('wrong')).toEqual({ outcome: 'deny', reason: 'not_authorized' });
    expect(await client.authenticateExchange({ ...base, method: 'GS2-KRB5', data: Buffer.from('x') })).toEqual({ outcome: 'deny', reason: 'bad_auth_method' });
  });
});
