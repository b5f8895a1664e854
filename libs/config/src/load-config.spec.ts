import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@mqp/model';
import { loadConfig } from './load-config';

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mqp-config-')), 'mqp.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('gives the documented defaults with no sources', () => {
    const config = loadConfig();
    expect(config.listeners.tcp.port).toBe(1883);
    expect(config.http.port).toBe(18083);
    expect(config.storage.dir).toBe('./data');
    expect(config.auth.users).toEqual([]);
    expect(config.auth.allowAnonymous).toBeUndefined();
    expect(config.gateway.maxPacketSize).toBe(1_048_576);
  });

  it('reads the operator keys from a YAML file', () => {
    const file = yamlFile(`
listeners: { tcp: { port: 2883 } }
http: { port: 28083 }
storage: { dir: /tmp/x }
auth:
  allowAnonymous: false
  users: [{ username: alice, password: secret }]
  acl:
    - { permission: allow, username: alice, action: publish, topics: ["a/#"] }
`);
    const config = loadConfig({ file });
    expect(config.listeners.tcp.port).toBe(2883);
    expect(config.http.port).toBe(28083);
    expect(config.storage.dir).toBe('/tmp/x');
    expect(config.auth.users[0]).toMatchObject({ username: 'alice', password: 'secret' });
    expect(config.auth.acl[0]).toMatchObject({ permission: 'allow', action: 'publish', topics: ['a/#'] });
  });

  it('lets env override the file and flags override env', () => {
    const file = yamlFile('listeners: { tcp: { port: 2883 } }\nhttp: { port: 1 }\n');
    const config = loadConfig({
      file,
      env: { MQP_LISTENERS__TCP__PORT: '3883', MQP_HTTP__PORT: '3884', MQP_AUTH__ALLOW_ANONYMOUS: 'true' },
      overrides: { 'http.port': 4884 },
    });
    expect(config.listeners.tcp.port).toBe(3883);
    expect(config.http.port).toBe(4884);
    expect(config.auth.allowAnonymous).toBe(true);
  });

  it('lists every problem at once', () => {
    const file = yamlFile(`
listeners: { tcp: { port: 99999 } }
http: { port: "x" }
auth: { users: [{ username: "" }] }
typo: 1
`);
    let error: unknown;
    try {
      loadConfig({ file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/listeners\.tcp\.port/);
    expect(problems).toMatch(/http\.port/);
    expect(problems).toMatch(/auth\.users\.0\.username/);
    expect(problems).toMatch(/auth\.users\.0\.password/);
    expect(problems).toMatch(/typo/);
  });

  it('reports an unreadable or malformed file as a problem, not a crash', () => {
    expect(() => loadConfig({ file: '/nonexistent/mqp.yaml' })).toThrow(ConfigError);
    expect(() => loadConfig({ file: yamlFile('a: [unclosed') })).toThrow(ConfigError);
  });
});
