import type { AuthenticateRequest, AuthorizeRequest } from '@mqp/contracts';
import { createTestCertificates, type TestCertificates } from '@mqp/testing';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { closeClient, startTestGateway, tryConnect, type TestGateway } from '../gateway.test-harness';

describe('X.509 client certificates', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = createTestCertificates('device-7');
  });
  afterAll(() => certs.remove());
  const tlsConfig = (extra: Record<string, unknown>): Record<string, unknown> => ({
    tls: { enabled: true, port: 0, host: '127.0.0.1', certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, caFile: certs.caFile, ...extra },
  });

  describe('certificate identity', () => {
    let tg: TestGateway;
    const authorized: AuthorizeRequest[] = [];
    beforeAll(async () => {
      tg = await startTestGateway({}, undefined, tlsConfig({ requireClientCert: true }));
      // what the auth service's x509 provider answers with usernameFrom/clientIdFrom 'cn'
      tg.auth.authenticateImpl = async (req: AuthenticateRequest) => {
        const cn = req.certificate?.subjectCN;
        return cn ? { decision: 'allow', superuser: false, username: cn, clientId: cn } : { decision: 'deny', reason: 'not_authorized' };
      };
      // an ACL of `devices/${cert_cn}/#` for the username the certificate gave
      tg.auth.authorizeImpl = async (req) => {
        authorized.push(req);
        return req.username === req.certCN && req.topic.startsWith(`devices/${req.certCN ?? '?'}/`);
      };
    });
    afterAll(() => tg.stop());

    it('uses the certificate CN as username and client id in the ACL check', async () => {
      const { client, error } = await tryConnect(`mqtts://127.0.0.1:${tg.handle.ports().tls}`, {
        ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, clientId: 'claimed-id', protocolVersion: 5,
      });
      expect(error).toBeUndefined();
      try {
        const granted = await client!.subscribeAsync('devices/device-7/temp');
        expect(granted.map((g) => g.qos)).toEqual([0]);
        await expect(client!.subscribeAsync('devices/device-8/temp')).rejects.toThrow(/Not authorized/);
        const req = authorized.find((r) => r.topic === 'devices/device-7/temp');
        expect(req).toMatchObject({ clientId: 'device-7', username: 'device-7', certCN: 'device-7' });
        // a v5 client is told the id its session has
        expect(tg.session.opened).toContain('device-7');
      } finally {
        await closeClient(client!);
      }
    });
  });

  describe('with a CRL', () => {
    let tg: TestGateway;
    let revokedCerts: TestCertificates;
    beforeAll(async () => {
      revokedCerts = createTestCertificates('device-revoked');
      const crlFile = revokedCerts.revoke();
      tg = await startTestGateway({}, undefined, {
        tls: {
          enabled: true, port: 0, host: '127.0.0.1', certFile: revokedCerts.serverCertFile, keyFile: revokedCerts.serverKeyFile,
          caFile: revokedCerts.caFile, requireClientCert: true, crlFile,
        },
      });
    });
    afterAll(async () => {
      await tg.stop();
      revokedCerts.remove();
    });

    it('refuses a revoked client certificate at the TLS handshake', async () => {
      const { client, error } = await tryConnect(`mqtts://127.0.0.1:${tg.handle.ports().tls}`, {
        ca: revokedCerts.ca, cert: revokedCerts.clientCert, key: revokedCerts.clientKey, clientId: 'revoked',
      });
      expect(client).toBeUndefined();
      expect(error).toBeDefined();
      expect(tg.session.opened).not.toContain('revoked');
    });

    it('refuses a certificate from a CA the listener does not trust', async () => {
      const { client, error } = await tryConnect(`mqtts://127.0.0.1:${tg.handle.ports().tls}`, {
        ca: revokedCerts.ca, cert: revokedCerts.strangerCert, key: revokedCerts.strangerKey, clientId: 'wrong-ca',
      });
      expect(client).toBeUndefined();
      expect(error).toBeDefined();
      expect(tg.session.opened).not.toContain('wrong-ca');
    });
  });
});
