/**
 * Every authentication provider and ACL rule form against real counterparts
 * (issue 5 "Must hold"), on the standalone process and on a split deployment:
 * a JWKS served by an HTTP server of the test, TLS with certificates made in
 * the test, an HTTP callout endpoint, SCRAM-SHA-256 through MQTT.js AUTH
 * packets, and users/ACL/bans written with the `mqp` CLI while the platform
 * runs. One deployment per mode, with one config that enables everything.
 *
 * Reason codes checked: MQTT 5.0 §3.2.2.2 (CONNACK), §3.4.2.1 (PUBACK),
 * §3.9.3 (SUBACK); MQTT 3.1.1 §3.2.2.3 (CONNACK return codes), §3.9.3 (0x80).
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { createTestCertificates, type Deployment, type PlatformProcess, type TestCertificates } from '@mqp/testing';
import { DEPLOYMENTS } from './support/deployments';
import { CalloutServer, issueClientCertificate, JwtIssuer, type IssuedCertificate } from './support/auth-counterparts';
import { closeOutcomeClients, connectOutcome, eventually, pubackCode, subackCode, type ConnectOutcome } from './support/connect-outcome';
import { Inbox } from './support/mqtt-clients';
import { mqpOk } from './support/mqp-cli';
import { answerScramChallenge, SCRAM_SHA_256, ScramClient } from './support/scram-client';

const ALICE_PASSWORD = 'alice-Secret-pw-1';
const SALLY_PASSWORD = 'sally-Scram-pw-2';
/** Connects per second per listener: the WebSocket flood goes over it, the other tests never get near it on TCP. */
const MAX_CONNECT_RATE = 20;

// One PKI and one SCRAM secret for both modes: making them is the slow part of the fixtures.
let certs: TestCertificates;
let device2: IssuedCertificate;
let revoked: IssuedCertificate;
let crlFile: string;
const scramSecret = randomBytes(32).toString('base64');

beforeAll(() => {
  certs = createTestCertificates('device-1');
  device2 = issueClientCertificate(certs, 'device-2');
  revoked = issueClientCertificate(certs, 'device-revoked');
  crlFile = certs.revoke(revoked.certFile);
});
afterAll(() => certs?.remove());

describe.each(DEPLOYMENTS)('auth providers on mqp %s', (kind, start) => {
  let deployment: Deployment;
  const issuer = new JwtIssuer();
  /** `http-allow-*` allowed, `http-deny-*` denied, anyone else ignored (the chain goes on: anonymous refuses). */
  const callout = new CalloutServer((username) => (username?.startsWith('http-allow-') ? 'allow' : username?.startsWith('http-deny-') ? 'deny' : 'ignore'));
  let gateways: PlatformProcess[];
  let seq = 0;
  /** A client id used once: flapping detection counts connects per client id. */
  const id = (name: string): string => `${kind}-${name}-${++seq}`;
  const tcp = (n = 0): string => `mqtt://127.0.0.1:${deployment.mqttPorts[n % deployment.mqttPorts.length]!}`;
  const tls = (): string => `mqtts://127.0.0.1:${gateways[0]!.ports.tls!}`;
  const ws = (): string => `ws://127.0.0.1:${gateways[0]!.ports.ws!}/mqtt`;
  /** An accepted client, or the test fails with the code it got. */
  const connected = async (url: string, options: Parameters<typeof connectOutcome>[1]): Promise<MqttClient> => {
    const outcome = await connectOutcome(url, options);
    if (!outcome.client) throw new Error(`refused with ${outcome.code}: ${outcome.error?.message}`);
    return outcome.client;
  };
  const code = async (url: string, options: Parameters<typeof connectOutcome>[1]): Promise<number | undefined> => (await connectOutcome(url, options)).code;
  /** The "connection refused" log line of this client id (auth service or gateway). */
  const refusalLine = (clientId: string): string | undefined => deployment.logs().split('\n').find((l) => l.includes('connection refused') && l.includes(`clientId=${clientId}`));

  beforeAll(async () => {
    await Promise.all([issuer.start(), callout.start()]);
    deployment = await start({
      config: {
        listeners: {
          tls: {
            enabled: true, port: 0, host: '127.0.0.1', certFile: certs.serverCertFile, keyFile: certs.serverKeyFile,
            // a certificate is the identity when it verifies; without one (or with a revoked one) the chain decides on
            caFile: certs.caFile, requestClientCert: true, crlFile,
          },
        },
        gateway: { maxConnectRate: MAX_CONNECT_RATE },
        auth: {
          users: [
            { username: 'alice', password: ALICE_PASSWORD },
            { username: 'sally', password: SALLY_PASSWORD },
          ],
          x509: { enabled: true, usernameFrom: 'cn' },
          jwt: { enabled: true, jwksUrl: issuer.jwksUrl, algorithms: ['RS256'] },
          http: { url: callout.url, timeoutMs: 2_000 },
          scram: { secret: scramSecret },
          banned: [{ clientid: `${kind}-banned-client`, reason: 'e2e' }],
          acl: [
            { permission: 'deny', action: 'all', topics: ['secret/#'] },
            { permission: 'allow', action: 'publish', topics: ['users/${username}/#', 'clients/${clientid}/#', 'devices/${cert_cn}/#'] },
            { permission: 'allow', action: 'all', topics: ['open/#', 'marker/#'] },
            { permission: 'allow', action: 'subscribe', topics: ['#'] },
          ],
        },
      },
    });
    gateways = [...deployment.processes.entries()].filter(([name]) => name === 'standalone' || name.startsWith('gateway-')).map(([, p]) => p);
  }, 90_000);

  afterEach(() => closeOutcomeClients());

  afterAll(async () => {
    if (process.env['MQP_TEST_E2E_LOGS']) require('node:fs').writeFileSync(`${process.env['MQP_TEST_E2E_LOGS']}/auth-providers-${kind}.log`, deployment?.logs() ?? '');
    await deployment?.stop();
    await Promise.all([issuer.stop(), callout.stop()]);
  });

  describe('users (auth.users and mqp users)', () => {
    it('accepts a config user with the right password (CONNACK 0, v5 and v3.1.1)', async () => {
      expect(await code(tcp(), { clientId: id('alice'), username: 'alice', password: ALICE_PASSWORD, protocolVersion: 5 })).toBe(0);
      expect(await code(tcp(1), { clientId: id('alice'), username: 'alice', password: ALICE_PASSWORD, protocolVersion: 4 })).toBe(0);
    });

    it('refuses a wrong password with v5 0x86 Bad User Name or Password / v3.1.1 4, logged with the reason and without the password', async () => {
      const v5 = id('alice-wrong');
      const v4 = id('alice-wrong');
      expect(await code(tcp(), { clientId: v5, username: 'alice', password: 'guess-one-5', protocolVersion: 5 })).toBe(0x86);
      expect(await code(tcp(), { clientId: v4, username: 'alice', password: 'guess-two-4', protocolVersion: 4 })).toBe(4);
      expect(await eventually(async () => refusalLine(v5) !== undefined && refusalLine(v4) !== undefined, true)).toBe(true);
      expect(refusalLine(v5)).toMatch(/username=alice .*reason=bad_credentials/);
      expect(refusalLine(v4)).toMatch(/reason=bad_credentials/);
      expect(deployment.logs()).not.toMatch(/guess-one-5|guess-two-4|alice-Secret-pw-1/);
    });

    it('accepts a user added with mqp users add while running, within seconds', async () => {
      const user = `${kind}-store-user`;
      const attempt = (): Promise<number | undefined> => code(tcp(), { clientId: id('store-user'), username: user, password: 'store-pw', protocolVersion: 5 });
      // unknown so far: the callout ignores it and the chain ends, 0x87 Not authorized
      expect(await attempt()).toBe(0x87);
      await mqpOk(['users', 'add', user, '--password', 'store-pw', '--data-dir', deployment.dataDir]);
      expect(await eventually(attempt, 0)).toBe(0);
    }, 30_000);
  });

  describe('JWT (RS256, keys from a JWKS URL)', () => {
    const now = (): number => Math.floor(Date.now() / 1000);

    it('accepts a valid token, fetching the issuer JWKS', async () => {
      const token = issuer.sign({ sub: 'jwt-user', exp: now() + 300 });
      expect(await code(tcp(), { clientId: id('jwt'), username: 'jwt-user', password: token, protocolVersion: 5 })).toBe(0);
      expect(issuer.fetches).toBeGreaterThan(0);
    });

    it('refuses an expired token with v5 0x86 / v3.1.1 4, logged as bad credentials', async () => {
      const token = issuer.sign({ sub: 'jwt-user', exp: now() - 60 });
      const v5 = id('jwt-expired');
      expect(await code(tcp(), { clientId: v5, username: 'jwt-user', password: token, protocolVersion: 5 })).toBe(0x86);
      expect(await code(tcp(), { clientId: id('jwt-expired'), username: 'jwt-user', password: token, protocolVersion: 4 })).toBe(4);
      expect(await eventually(async () => /ERR_JWT_EXPIRED/.test(refusalLine(v5) ?? ''), true)).toBe(true);
    });

    it('refuses a token signed with another key (v5 0x86)', async () => {
      const forged = new JwtIssuer().sign({ sub: 'jwt-user', exp: now() + 300, superuser: true });
      expect(await code(tcp(), { clientId: id('jwt-forged'), username: 'jwt-user', password: forged, protocolVersion: 5 })).toBe(0x86);
    });

    it('lets a token with the superuser claim subscribe to $SYS/#, which a normal token may not (SUBACK 0x87)', async () => {
      const admin = await connected(tcp(), { clientId: id('jwt-admin'), username: 'jwt-admin', password: issuer.sign({ exp: now() + 300, superuser: true }), protocolVersion: 5 });
      const user = await connected(tcp(), { clientId: id('jwt-user'), username: 'jwt-user', password: issuer.sign({ exp: now() + 300 }), protocolVersion: 5 });
      expect(await subackCode(admin, '$SYS/#')).toBe(1);
      expect(await subackCode(user, '$SYS/#')).toBe(0x87);
    });

    it('limits a connection to the topics of its acl claim: outside them PUBACK 0x87, even where auth.acl allows everyone', async () => {
      const acl = [
        { permission: 'allow', action: 'publish', topics: ['jwt/${username}/#'] },
        { permission: 'deny', action: 'all', topics: ['#'] },
      ];
      const client = await connected(tcp(), { clientId: id('jwt-acl'), username: 'jwt-acl', password: issuer.sign({ exp: now() + 300, acl }), protocolVersion: 5 });
      // granted by the claim only (auth.acl has no rule for jwt/)
      expect(await pubackCode(client, 'jwt/jwt-acl/1')).toBe(0);
      expect(await pubackCode(client, 'jwt/someone-else/1')).toBe(0x87);
      // auth.acl allows open/# to everyone, the claim does not
      expect(await pubackCode(client, 'open/1')).toBe(0x87);
    });
  });

  describe('X.509 client certificates (TLS listener, CRL)', () => {
    it('accepts a client certificate of the CA with its CN as username (CONNACK 0), usable in ${cert_cn} rules', async () => {
      const client = await connected(tls(), { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, clientId: id('device'), protocolVersion: 5 });
      expect(await pubackCode(client, 'devices/device-1/temp')).toBe(0);
      expect(await pubackCode(client, 'devices/device-2/temp')).toBe(0x87);
      expect(await code(tls(), { ca: certs.ca, cert: device2.cert, key: device2.key, clientId: id('device'), protocolVersion: 4 })).toBe(0);
    });

    it('refuses a client whose username differs from its certificate CN (v5 0x87)', async () => {
      expect(await code(tls(), { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, clientId: id('device'), username: 'device-9', protocolVersion: 5 })).toBe(0x87);
    });

    it('does not take a certificate revoked by the CRL as an identity: refused like no certificate, v5 0x87 / v3.1.1 5', async () => {
      const v5 = id('revoked');
      expect(await code(tls(), { ca: certs.ca, cert: revoked.cert, key: revoked.key, clientId: v5, protocolVersion: 5 })).toBe(0x87);
      expect(await code(tls(), { ca: certs.ca, cert: revoked.cert, key: revoked.key, clientId: id('revoked'), protocolVersion: 4 })).toBe(5);
      // the same as a certificate of a CA the listener does not trust
      expect(await code(tls(), { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey, clientId: id('stranger'), protocolVersion: 5 })).toBe(0x87);
      expect(await eventually(async () => /reason=not_authorized/.test(refusalLine(v5) ?? ''), true)).toBe(true);
    });
  });

  describe('HTTP callout', () => {
    it('accepts whom the endpoint allows (CONNACK 0) and refuses whom it denies (v5 0x87 / v3.1.1 5)', async () => {
      expect(await code(tcp(), { clientId: id('http'), username: 'http-allow-1', password: 'any', protocolVersion: 5 })).toBe(0);
      expect(await code(tcp(), { clientId: id('http'), username: 'http-deny-1', password: 'any', protocolVersion: 5 })).toBe(0x87);
      expect(await code(tcp(), { clientId: id('http'), username: 'http-deny-1', password: 'any', protocolVersion: 4 })).toBe(5);
      expect(callout.asked).toEqual(expect.arrayContaining(['http-allow-1', 'http-deny-1']));
    });

    it('fails closed when the endpoint is down: v5 0x88 Server unavailable / v3.1.1 3, never allowed', async () => {
      await callout.stop();
      try {
        expect(await code(tcp(), { clientId: id('http-down'), username: 'http-allow-2', password: 'any', protocolVersion: 5 })).toBe(0x88);
        expect(await code(tcp(), { clientId: id('http-down'), username: 'http-allow-2', password: 'any', protocolVersion: 4 })).toBe(3);
      } finally {
        await callout.restart();
      }
      expect(await code(tcp(), { clientId: id('http'), username: 'http-allow-2', password: 'any', protocolVersion: 5 })).toBe(0);
    });
  });

  describe('SCRAM-SHA-256 (MQTT 5 enhanced authentication)', () => {
    const scramConnect = (password: string): Promise<ConnectOutcome & { scram: ScramClient }> => {
      const scram = new ScramClient('sally', password);
      return connectOutcome(
        tcp(),
        { clientId: id('scram'), protocolVersion: 5, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.clientFirst() } },
        (client) => answerScramChallenge(client, scram),
      ).then((o) => ({ ...o, scram }));
    };

    it('accepts the right password (CONNACK 0 with a server-final that proves the server) and the client can publish', async () => {
      const { code: got, client, connack, scram } = await scramConnect(SALLY_PASSWORD);
      expect(got).toBe(0);
      expect(scram.verifyServerFinal(connack?.properties?.authenticationData)).toBe(true);
      expect(await pubackCode(client!, 'open/scram')).toBe(0);
    });

    it('refuses a wrong password with CONNACK 0x87 Not authorized', async () => {
      expect((await scramConnect('wrong-password')).code).toBe(0x87);
    });
  });

  describe('ACL', () => {
    it('refuses a publish a config rule denies with v5 PUBACK 0x87; v3.1.1 gets its PUBACK (it has no way to say no)', async () => {
      const v5 = await connected(tcp(), { clientId: id('acl-pub5'), username: 'http-allow-pub', protocolVersion: 5 });
      const v4 = await connected(tcp(), { clientId: id('acl-pub4'), username: 'http-allow-pub', protocolVersion: 4 });
      expect(await pubackCode(v5, 'secret/1')).toBe(0x87);
      expect(await pubackCode(v5, 'open/1')).toBe(0);
      expect(await pubackCode(v4, 'secret/2')).toBe(0);
    });

    it('drops a denied v3.1.1 publish silently: a subscriber of that topic never gets it', async () => {
      // a superuser sees every topic, secret/# included: nothing may arrive
      const watcher = await connected(tcp(0), { clientId: id('acl-watch'), username: 'jwt-admin', password: issuer.sign({ exp: Math.floor(Date.now() / 1000) + 300, superuser: true }), protocolVersion: 5 });
      const inbox = new Inbox(watcher);
      await watcher.subscribeAsync(['secret/#', 'marker/#'], { qos: 1 });
      const v4 = await connected(tcp(1), { clientId: id('acl-pub4'), username: 'http-allow-pub', protocolVersion: 4 });
      await v4.publishAsync('secret/leak', 'x', { qos: 1 });
      await v4.publishAsync('marker/after', 'm', { qos: 1 });
      expect((await inbox.waitFor(1)).map((m) => m.topic)).toEqual(['marker/after']);
      expect(inbox.messages.map((m) => m.topic)).not.toContain('secret/leak');
    });

    it('refuses a denied subscription: SUBACK 0x87 (v5) / 0x80 (v3.1.1)', async () => {
      const v5 = await connected(tcp(), { clientId: id('acl-sub5'), username: 'http-allow-s', protocolVersion: 5 });
      const v4 = await connected(tcp(), { clientId: id('acl-sub4'), username: 'http-allow-s', protocolVersion: 4 });
      expect(await subackCode(v5, 'secret/#')).toBe(0x87);
      expect(await subackCode(v4, 'secret/x')).toBe(0x80);
      expect(await subackCode(v4, 'open/x')).toBe(1);
    });

    it('lets a client publish only under users/${username}/# and clients/${clientid}/# (placeholders)', async () => {
      const clientId = id('placeholder');
      const client = await connected(tcp(), { clientId, username: 'http-allow-u1', protocolVersion: 5 });
      expect(await pubackCode(client, 'users/http-allow-u1/status')).toBe(0);
      expect(await pubackCode(client, 'users/http-allow-u2/status')).toBe(0x87);
      expect(await pubackCode(client, `clients/${clientId}/status`)).toBe(0);
      expect(await pubackCode(client, 'clients/someone-else/status')).toBe(0x87);
    });

    it('applies rules added with mqp acl add while running within seconds: an allow opens store/#, a deny then refuses store/locked/# (PUBACK 0x87)', async () => {
      const client = await connected(tcp(), { clientId: id('acl-live'), username: 'http-allow-live', protocolVersion: 5 });
      // auth.acl says nothing about store/#: no match, denied; the store's rules come after auth.acl's
      expect(await pubackCode(client, 'store/locked/1')).toBe(0x87);
      await mqpOk(['acl', 'add', '--permission', 'allow', '--action', 'publish', '--topic', 'store/#', '--data-dir', deployment.dataDir]);
      expect(await eventually(() => pubackCode(client, 'store/locked/1'), 0)).toBe(0);
      await mqpOk(['acl', 'add', '--permission', 'deny', '--action', 'publish', '--topic', 'store/locked/#', '--position', '0', '--data-dir', deployment.dataDir]);
      expect(await eventually(() => pubackCode(client, 'store/locked/1'), 0x87)).toBe(0x87);
      expect(await pubackCode(client, 'store/open/1')).toBe(0);
    }, 30_000);
  });

  describe('bans and rate limits', () => {
    it('refuses a client id banned in auth.banned: v5 0x8A Banned / v3.1.1 5, logged with the reason', async () => {
      const banned = `${kind}-banned-client`;
      expect(await code(tcp(), { clientId: banned, username: 'alice', password: ALICE_PASSWORD, protocolVersion: 5 })).toBe(0x8a);
      expect(await code(tcp(), { clientId: banned, username: 'alice', password: ALICE_PASSWORD, protocolVersion: 4 })).toBe(5);
      expect(await eventually(async () => /reason=banned/.test(refusalLine(banned) ?? ''), true)).toBe(true);
      expect(refusalLine(banned)).toMatch(/banned by config clientid/);
      expect(deployment.logs()).not.toContain(ALICE_PASSWORD);
    });

    it('refuses CONNECTs beyond gateway.maxConnectRate on a listener: v5 0x9F Connection rate exceeded / v3.1.1 3', async () => {
      const flood = Array.from({ length: 3 * MAX_CONNECT_RATE }, (_, i) =>
        connectOutcome(ws(), { clientId: id('flood'), username: 'http-allow-flood', protocolVersion: i % 2 === 0 ? 5 : 4 }).then((o) => ({ v: i % 2 === 0 ? 5 : 4, code: o.code })),
      );
      const outcomes = await Promise.all(flood);
      const v5 = new Set(outcomes.filter((o) => o.v === 5).map((o) => o.code));
      const v4 = new Set(outcomes.filter((o) => o.v === 4).map((o) => o.code));
      // a burst of one second's worth is accepted, the rest refused with exactly these codes
      expect([...v5].sort()).toEqual([0, 0x9f]);
      expect([...v4].sort()).toEqual([0, 3]);
      expect(outcomes.filter((o) => o.code === 0).length).toBeLessThan(2 * MAX_CONNECT_RATE);
      expect(deployment.logs()).toMatch(/connection refused .*reason=connection_rate_exceeded/);
    }, 30_000);
  });
});
