import { connect as tlsConnect } from 'node:tls';
import type { AuthenticateRequest } from '@mqp/contracts';
import { createTestCertificates, type TestCertificates } from '@mqp/testing';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { closeClient, connectClient, nextMessage, startTestGateway, tryConnect, type TestGateway } from '../gateway.test-harness';

/** Connects without reconnecting; resolves with the client, or with the error/close that ended it before CONNACK. */
describe('TLS listener', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = createTestCertificates('device-1');
  });
  afterAll(() => certs.remove());

  const tlsConfig = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    tls: { enabled: true, port: 0, host: '127.0.0.1', certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, caFile: certs.caFile, ...extra },
  });

  describe('without client certificates', () => {
    let tg: TestGateway;
    const authRequests: AuthenticateRequest[] = [];
    beforeAll(async () => {
      tg = await startTestGateway({}, undefined, tlsConfig());
      tg.auth.authenticateImpl = async (req) => {
        authRequests.push(req);
        return { decision: 'allow', superuser: false };
      };
    });
    afterAll(() => tg.stop());

    it('reports the bound TLS port next to the TCP port', () => {
      const ports = tg.handle.ports();
      expect(ports.tcp).toBe(tg.port);
      expect(ports.tls).toBeGreaterThan(0);
      expect(ports.tls).not.toBe(tg.port);
      expect(ports.ws).toBeUndefined();
      expect(tg.instance.health?.()).toEqual({ healthy: true });
    });

    it('carries MQTT over TLS: a subscriber on mqtts:// gets what a TCP client publishes', async () => {
      const sub = await mqtt.connectAsync(`mqtts://127.0.0.1:${tg.handle.ports().tls}`, { ca: certs.ca, clientId: 'tls-sub', reconnectPeriod: 0 });
      const pub = await connectClient(tg, { clientId: 'tcp-pub' });
      try {
        await sub.subscribeAsync('t/tls', { qos: 1 });
        const got = nextMessage(sub);
        await pub.publishAsync('t/tls', 'over tls', { qos: 1 });
        expect((await got).payload.toString()).toBe('over tls');
        // no certificate was asked for, so none reaches auth
        expect(authRequests.find((r) => r.clientId === 'tls-sub')?.certificate).toBeUndefined();
      } finally {
        await closeClient(sub);
        await closeClient(pub);
      }
    });

    it('refuses a TLS 1.1 client (TLS ≥ 1.2)', async () => {
      const code = await new Promise<string | undefined>((resolve) => {
        // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so the refusal seen is the server's
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: tg.handle.ports().tls!,
          ca: certs.ca,
          minVersion: 'TLSv1.1',
          maxVersion: 'TLSv1.1',
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        socket.once('secureConnect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      });
      expect(code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    });

    it('accepts a TLS 1.2 client', async () => {
      const { client, error } = await tryConnect(`mqtts://127.0.0.1:${tg.handle.ports().tls}`, { ca: certs.ca, maxVersion: 'TLSv1.2' } as IClientOptions);
      expect(error).toBeUndefined();
      await closeClient(client!);
    });
  });

  describe('with requireClientCert', () => {
    let tg: TestGateway;
    const authRequests: AuthenticateRequest[] = [];
    beforeAll(async () => {
      tg = await startTestGateway({}, undefined, tlsConfig({ requireClientCert: true }));
      tg.auth.authenticateImpl = async (req) => {
        authRequests.push(req);
        return { decision: 'allow', superuser: false };
      };
    });
    afterAll(() => tg.stop());
    const url = (): string => `mqtts://127.0.0.1:${tg.handle.ports().tls}`;

    it('refuses a client without a certificate', async () => {
      const { client, error } = await tryConnect(url(), { ca: certs.ca, clientId: 'no-cert' });
      expect(client).toBeUndefined();
      expect(error).toBeDefined();
      expect(authRequests.some((r) => r.clientId === 'no-cert')).toBe(false);
    });

    it('refuses a client whose certificate another CA signed', async () => {
      const { client, error } = await tryConnect(url(), { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey, clientId: 'stranger' });
      expect(client).toBeUndefined();
      expect(error).toBeDefined();
      expect(authRequests.some((r) => r.clientId === 'stranger')).toBe(false);
    });

    it('accepts a client with a certificate from the CA and shows its identity to auth', async () => {
      const { client, error } = await tryConnect(url(), { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, clientId: 'with-cert' });
      expect(error).toBeUndefined();
      await closeClient(client!);
      const cert = authRequests.find((r) => r.clientId === 'with-cert')?.certificate;
      expect(cert).toEqual({ subjectCN: 'device-1', subjectAltNames: ['DNS:device-1.example'], fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) });
    });
  });

  describe('with requestClientCert (optional)', () => {
    let tg: TestGateway;
    const authRequests: AuthenticateRequest[] = [];
    beforeAll(async () => {
      tg = await startTestGateway({}, undefined, tlsConfig({ requestClientCert: true }));
      tg.auth.authenticateImpl = async (req) => {
        authRequests.push(req);
        return { decision: 'allow', superuser: false };
      };
    });
    afterAll(() => tg.stop());
    const url = (): string => `mqtts://127.0.0.1:${tg.handle.ports().tls}`;

    it('accepts a client without a certificate, with no certificate identity', async () => {
      const { client, error } = await tryConnect(url(), { ca: certs.ca, clientId: 'optional-none' });
      expect(error).toBeUndefined();
      await closeClient(client!);
      const req = authRequests.find((r) => r.clientId === 'optional-none');
      expect(req).toBeDefined();
      expect(req?.certificate).toBeUndefined();
    });

    it('does not pass on a certificate that did not verify against the CA', async () => {
      const { client, error } = await tryConnect(url(), { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey, clientId: 'optional-stranger' });
      expect(error).toBeUndefined();
      await closeClient(client!);
      const req = authRequests.find((r) => r.clientId === 'optional-stranger');
      expect(req).toBeDefined();
      expect(req?.certificate).toBeUndefined();
    });

    it('passes on a certificate that verified', async () => {
      const { client, error } = await tryConnect(url(), { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, clientId: 'optional-cert' });
      expect(error).toBeUndefined();
      await closeClient(client!);
      expect(authRequests.find((r) => r.clientId === 'optional-cert')?.certificate?.subjectCN).toBe('device-1');
    });
  });

  it('fails to start with the config key when a certificate file cannot be read', async () => {
    await expect(startTestGateway({}, undefined, tlsConfig({ certFile: `${certs.dir}/missing.crt` }))).rejects.toThrow(/listeners\.tls\.certFile/);
  });
});
