import { ConfigError } from '@mqp/model';
import { loadConfig } from './load-config';

function problemsOf(overrides: Record<string, unknown>): string {
  try {
    loadConfig({ overrides });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
}

describe('listeners config', () => {
  it('defaults: TCP 1883, WebSocket 8083 at /mqtt on, TLS 8883 and WSS 8084 off with TLS ≥ 1.2', () => {
    const { listeners } = loadConfig();
    expect(listeners.tcp.port).toBe(1883);
    expect(listeners.ws).toEqual({ enabled: true, port: 8083, host: '0.0.0.0', path: '/mqtt' });
    expect(listeners.tls).toMatchObject({ enabled: false, port: 8883, minVersion: 'TLSv1.2', requestClientCert: false, requireClientCert: false });
    expect(listeners.wss).toMatchObject({ enabled: false, port: 8084, path: '/mqtt', minVersion: 'TLSv1.2' });
  });

  it('refuses TLS and WSS enabled without certificate files, naming every missing key at once', () => {
    const problems = problemsOf({ 'listeners.tls.enabled': true, 'listeners.wss.enabled': true, 'listeners.wss.certFile': '/c.pem' });
    expect(problems).toMatch(/listeners\.tls\.certFile/);
    expect(problems).toMatch(/listeners\.tls\.keyFile/);
    expect(problems).toMatch(/listeners\.wss\.keyFile/);
    expect(problems).not.toMatch(/listeners\.wss\.certFile/);
  });

  it('refuses client certificates asked for without a CA to check them against', () => {
    const problems = problemsOf({ 'listeners.tls': { enabled: true, certFile: '/c', keyFile: '/k', requireClientCert: true } });
    expect(problems).toMatch(/listeners\.tls\.caFile/);
    expect(problemsOf({ 'listeners.tls': { enabled: true, certFile: '/c', keyFile: '/k', caFile: '/ca', requireClientCert: true } })).toBe('');
  });

  it('refuses TLS versions below 1.2', () => {
    expect(problemsOf({ 'listeners.tls.minVersion': 'TLSv1.1' })).toMatch(/listeners\.tls\.minVersion/);
  });
});
