/**
 * In-process cost of the auth service on the connect and publish paths
 * (issue 5 "Benchmark"): authenticate() per second for an argon2id user and
 * for an HS256 JWT, and authorize() per second against a 50-rule ACL. Not a
 * test: it prints figures for the closing note. It sits outside tools/bench
 * because that project (type:tool) may not import a service library.
 *
 *   npx tsx tools/auth-bench.ts [seconds-per-case, default 3]
 *
 * authenticate calls run with `concurrency` in flight, as a gateway with many
 * clients connecting at once would issue them; argon2 hashing runs on the
 * libuv thread pool (4 threads by default; UV_THREADPOOL_SIZE changes it).
 */
import { authSchema } from '@mqp/config';
import type { AuthenticateRequest, AuthorizeRequest } from '@mqp/contracts';
import { AuthService } from '@mqp/service-auth';
import { silentLogger } from '@mqp/runtime';
import { SignJWT } from 'jose';

const seconds = Number(process.argv[2] ?? 3);
const SECRET = 'bench-secret-bench-secret-bench-secret';

async function rate(name: string, concurrency: number, call: (i: number) => Promise<unknown>): Promise<void> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await call(done);
        done++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = done / elapsed;
  console.log(`${name.padEnd(58)} ${perSecond.toFixed(0).padStart(9)} /s   ${((1e6 / perSecond) * concurrency).toFixed(1).padStart(8)} µs per call (concurrency ${concurrency})`);
}

async function main(): Promise<void> {
  // Flapping detection off: the bench connects one client id over and over.
  const flapping = { enabled: false };
  const users = new AuthService(authSchema.parse({ users: [{ username: 'dev', password: 'device-password' }], flapping }), silentLogger);
  await users.start();
  const jwt = new AuthService(authSchema.parse({ jwt: { enabled: true, secret: SECRET }, flapping }), silentLogger);
  await jwt.start();
  const token = await new SignJWT({ acl: [{ permission: 'allow', action: 'all', topics: ['devices/${clientid}/#'] }] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

  // 50 rules; the request matches only the last one, the worst case for first-match.
  const acl = Array.from({ length: 49 }, (_, i) => ({ permission: 'allow' as const, action: 'publish' as const, topics: [`site/${i}/+/telemetry`, `site/${i}/#`] }));
  acl.push({ permission: 'allow', action: 'publish', topics: ['devices/${clientid}/#'] });
  const acl50 = new AuthService(authSchema.parse({ acl }), silentLogger);
  await acl50.start();

  const connect = (password: string): AuthenticateRequest => ({ clientId: 'bench', username: 'dev', password: Buffer.from(password), remoteAddress: '10.0.0.1', protocolVersion: 5 });
  const publish: AuthorizeRequest = { clientId: 'bench', username: 'dev', action: 'publish', topic: 'devices/bench/temp', remoteAddress: '10.0.0.1' };
  const check = async <T>(p: Promise<T>, expect: (v: T) => boolean): Promise<void> => {
    if (!expect(await p)) throw new Error('unexpected decision');
  };

  console.log(`node ${process.version}, ${seconds} s per case, UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}`);
  await rate('authenticate: argon2id user (m=47104 KiB, t=1, p=1)', 1, () => check(users.authenticate(connect('device-password')), (r) => r.decision === 'allow'));
  await rate('authenticate: argon2id user (m=47104 KiB, t=1, p=1)', 4, () => check(users.authenticate(connect('device-password')), (r) => r.decision === 'allow'));
  await rate('authenticate: HS256 JWT with an ACL claim', 1, () => check(jwt.authenticate(connect(token)), (r) => r.decision === 'allow'));
  await rate('authenticate: HS256 JWT with an ACL claim', 16, () => check(jwt.authenticate(connect(token)), (r) => r.decision === 'allow'));
  await rate('authorize: publish against 50 rules, match on the last', 1, () => check(acl50.authorize(publish), (r) => r.allow));
  const connectionAcl = acl.slice(0, 10);
  await rate('authorize: publish, 10 connection rules (JWT claim) + 50', 1, () =>
    check(acl50.authorize({ ...publish, topic: 'devices/bench/x', connectionAcl }), (r) => r.allow),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
