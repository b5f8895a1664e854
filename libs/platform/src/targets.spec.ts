import { loadConfig } from '@mqp/config';
import { ConfigError } from '@mqp/model';
import { parseStartFlags, UsageError } from './cli';
import { isStandalone, servicesOf } from './targets';
import { validateDeployment } from './validate-deployment';

describe('--target', () => {
  it('expands all to the five services and accepts a comma list', () => {
    expect(servicesOf('all')).toEqual(['gateway', 'session', 'auth', 'router', 'integration']);
    expect(servicesOf('gateway, router')).toEqual(['gateway', 'router']);
    expect(isStandalone(servicesOf('all'))).toBe(true);
    expect(isStandalone(servicesOf('gateway,session,auth,router'))).toBe(false);
  });

  it('names every unknown target', () => {
    expect(() => servicesOf('gateway,teleporter,warp')).toThrow('unknown target "teleporter", "warp"');
    expect(() => servicesOf(',')).toThrow(/names no service/);
  });
});

describe('validateDeployment', () => {
  const base = loadConfig();

  it('needs nothing more in standalone mode', () => {
    expect(() => validateDeployment(base, servicesOf('all'))).not.toThrow();
  });

  it('lists every gap of a split gateway at once', () => {
    let error: ConfigError | undefined;
    try {
      validateDeployment(base, servicesOf('gateway'));
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems).toEqual([
      expect.stringMatching(/^nats\.url/),
      expect.stringMatching(/^services\.auth\.address/),
      expect.stringMatching(/^services\.session\.address/),
      expect.stringMatching(/^services\.router\.address/),
    ]);
  });

  it('needs a gRPC port to serve auth, session or router to other processes', () => {
    const config = loadConfig({ overrides: { 'nats.url': 'nats://127.0.0.1:4222' } });
    expect(() => validateDeployment(config, servicesOf('auth'))).toThrow(/grpc\.port/);
    expect(() => validateDeployment(loadConfig({ overrides: { 'nats.url': 'nats://x:1', 'grpc.port': 0 } }), servicesOf('auth'))).not.toThrow();
    expect(() => validateDeployment(config, servicesOf('integration'))).not.toThrow();
  });

  it('allows gateway workers in standalone mode only, naming what to do instead', () => {
    const workers = (overrides: Record<string, unknown>) => loadConfig({ overrides: { 'gateway.workers': 2, ...overrides } });
    expect(() => validateDeployment(workers({}), servicesOf('all'))).not.toThrow();
    expect(() => validateDeployment(workers({ 'nats.url': 'nats://127.0.0.1:4222' }), servicesOf('all'))).toThrow(/gateway\.workers: .*run more gateway processes/);
    const split = workers({ 'nats.url': 'nats://n:1', 'services.auth.address': 'a:1', 'services.session.address': 's:1', 'services.router.address': 'r:1' });
    expect(() => validateDeployment(split, servicesOf('gateway'))).toThrow(/gateway\.workers/);
  });

  it('refuses a gateway.workers count that is not a whole number from 1 to 64', () => {
    for (const bad of [0, 65, 1.5]) expect(() => loadConfig({ overrides: { 'gateway.workers': bad } })).toThrow(/gateway\.workers/);
  });
});

describe('mqp start flags', () => {
  it('maps the operator flags onto config paths', () => {
    expect(parseStartFlags(['--config', 'f.yaml', '--target', 'gateway', '--mqtt-port', '1884', '--http-port=0', '--data-dir', '/d', '--nats', 'nats://n:4222', '--mongodb', 'mongodb://m/db'])).toEqual({
      configFile: 'f.yaml',
      target: 'gateway',
      overrides: { 'listeners.tcp.port': 1884, 'http.port': 0, 'storage.dir': '/d', 'nats.url': 'nats://n:4222', 'storage.mongodb.uri': 'mongodb://m/db' },
    });
  });

  it('maps the TLS and WebSocket listener port flags', () => {
    expect(parseStartFlags(['--tls-port', '8883', '--ws-port', '0', '--wss-port=8084']).overrides).toEqual({
      'listeners.tls.port': 8883,
      'listeners.ws.port': 0,
      'listeners.wss.port': 8084,
    });
  });

  it('maps --gateway-workers', () => {
    expect(parseStartFlags(['--gateway-workers', '2']).overrides).toEqual({ 'gateway.workers': 2 });
  });

  it('refuses unknown flags, missing values and non-numeric ports', () => {
    expect(() => parseStartFlags(['--colour', 'blue'])).toThrow(UsageError);
    expect(() => parseStartFlags(['--mqtt-port'])).toThrow('--mqtt-port needs a value');
    expect(() => parseStartFlags(['--mqtt-port', '--http-port', '1'])).toThrow('--mqtt-port needs a value');
    expect(() => parseStartFlags(['--mqtt-port', 'x'])).toThrow('needs a whole number');
  });
});
