/**
 * `mqp users|acl|data` on the store of a platform, driven as an operator
 * would: through the built binary, on a data directory, while the platform
 * runs on it (ARCHITECTURE.md "Operator interface").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformProcess, tempDir } from '@mqp/testing';
import { closeAllClients, connectClient, Inbox } from './support/mqtt-clients';
import { mqpOk, runMqp } from './support/mqp-cli';

/** What a refused CONNECT gave MQTT.js: the CONNACK reason (v5) or return code (v3.1.1). */
async function refusal(port: number, options: Parameters<typeof connectClient>[1]): Promise<number | undefined> {
  try {
    const client = await connectClient(port, options);
    await client.endAsync(true);
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

const parseLines = (text: string): unknown[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

describe('mqp users, acl and data on the store of a platform', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  const procs: PlatformProcess[] = [];
  const dataDir = (): string => {
    const dir = tempDir();
    dirs.push(dir);
    return dir.path;
  };
  const start = async (dir: string): Promise<PlatformProcess> => {
    const proc = PlatformProcess.spawn('standalone', ['--mqtt-port', '0', '--data-dir', dir]);
    procs.push(proc);
    await proc.waitReady();
    return proc;
  };

  afterEach(async () => {
    await closeAllClients();
    for (const p of procs.splice(0)) await p.stop();
    for (const d of dirs.splice(0)) d.remove();
  });

  it('a user added with mqp users add can connect; a wrong password is refused (0x86 on v5, 4 on v3.1.1)', async () => {
    const dir = dataDir();
    expect(await mqpOk(['users', 'add', 'dev', '--password', 'right-password', '--data-dir', dir])).toMatch(/added user dev/);
    expect(await mqpOk(['users', 'add', 'ops', '--password-stdin', '--superuser', '--hash', 'pbkdf2', '--data-dir', dir], 'from-stdin\n')).toMatch(/added user ops/);
    const listed = await mqpOk(['users', 'list', '--data-dir', dir]);
    // SCRAM-SHA-256 credentials are stored too (MQTT 5 enhanced authentication)
    expect(listed).toBe('dev\tuser\targon2id\tscram\nops\tsuperuser\tpbkdf2-sha512\tscram\n');

    const proc = await start(dir);
    const port = proc.ports.mqtt!;
    const ok = await connectClient(port, { clientId: 'dev-1', username: 'dev', password: 'right-password', protocolVersion: 5 });
    expect(ok.connected).toBe(true);
    expect((await connectClient(port, { clientId: 'ops-1', username: 'ops', password: 'from-stdin' })).connected).toBe(true);
    expect(await refusal(port, { clientId: 'dev-2', username: 'dev', password: 'bad-guess-5', protocolVersion: 5 })).toBe(0x86);
    expect(await refusal(port, { clientId: 'dev-3', username: 'dev', password: 'bad-guess-4', protocolVersion: 4 })).toBe(4);
    // the password never reaches the log
    expect(proc.logs()).not.toMatch(/right-password|bad-guess/);
  }, 60_000);

  it('refuses bad input with exit 2 and a clear reason', async () => {
    const dir = dataDir();
    const plus = await runMqp(['users', 'add', 'a+b', '--password', 'x', '--data-dir', dir]);
    expect([plus.code, plus.stderr]).toEqual([2, expect.stringMatching(/must not contain \+, # or \//)]);
    const topic = await runMqp(['acl', 'add', '--permission', 'deny', '--action', 'all', '--topic', 'a/#/b', '--data-dir', dir]);
    expect([topic.code, topic.stderr]).toEqual([2, expect.stringMatching(/bad topic "a\/#\/b"/)]);
    const unknown = await runMqp(['acl', 'remove', '0', '--data-dir', dir]);
    expect(unknown.code).toBe(2);
  }, 30_000);

  it('an mqp acl add deny while the platform runs refuses publishes within seconds (PUBACK 0x87)', async () => {
    const dir = dataDir();
    await mqpOk(['users', 'add', 'dev', '--password', 'pw', '--data-dir', dir]);
    await mqpOk(['acl', 'add', '--permission', 'allow', '--action', 'all', '--topic', '#', '--data-dir', dir]);
    const proc = await start(dir);
    const client = await connectClient(proc.ports.mqtt!, { clientId: 'dev-acl', username: 'dev', password: 'pw', protocolVersion: 5 });
    await client.publishAsync('locked/1', 'before', { qos: 1 });

    await mqpOk(['acl', 'add', '--permission', 'deny', '--action', 'publish', '--topic', 'locked/#', '--username', 'dev', '--position', '0', '--data-dir', dir]);
    expect(await mqpOk(['acl', 'list', '--data-dir', dir])).toBe('0\tdeny\tpublish\tusername=dev\tlocked/#\n1\tallow\tall\tanyone\t#\n');
    // the platform polls the store's revision about once a second: publish until refused
    const deadline = Date.now() + 10_000;
    let code: number | undefined;
    while (code === undefined) {
      try {
        await client.publishAsync('locked/1', 'after', { qos: 1 });
      } catch (err) {
        code = (err as { code?: number }).code;
      }
      if (code === undefined && Date.now() > deadline) throw new Error(`publish still accepted 10 s after mqp acl add:\n${proc.logs()}`);
    }
    expect(code).toBe(0x87);
    // other topics are still allowed
    await client.publishAsync('open/1', 'ok', { qos: 1 });
  }, 60_000);

  it('mqp data export from one data dir and import into another moves users, ACL, retained messages and sessions', async () => {
    const source = dataDir();
    await mqpOk(['users', 'add', 'dev', '--password', 'pw', '--data-dir', source]);
    await mqpOk(['acl', 'add', '--permission', 'allow', '--action', 'all', '--topic', '#', '--data-dir', source]);
    const proc = await start(source);
    const port = proc.ports.mqtt!;
    const pub = await connectClient(port, { clientId: 'pub', username: 'dev', password: 'pw', protocolVersion: 5 });
    await pub.publishAsync('state/1', Buffer.from([0, 1, 2, 0xff]), { qos: 1, retain: true });
    const sub = await connectClient(port, { clientId: 'persistent', username: 'dev', password: 'pw', protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    await sub.subscribeAsync('jobs/#', { qos: 1 });
    // still connected: the shutdown keeps its session
    const stopped = await proc.stop();
    if (stopped !== 0) throw new Error(`platform exited ${stopped}:\n${proc.logs()}`);

    const file = join(dataDir(), 'export.jsonl');
    const exported = await runMqp(['data', 'export', '--file', file, '--data-dir', source]);
    expect(exported.code).toBe(0);
    const records = parseLines(readFileSync(file, 'utf8')) as { kind: string }[];
    expect(records[0]).toEqual({ kind: 'header', format: 'mqp-data', version: 1 });
    expect(records.map((r) => r.kind)).toEqual(expect.arrayContaining(['user', 'acl', 'retained', 'session']));

    const target = dataDir();
    // twice: importing is idempotent
    for (let i = 0; i < 2; i++) {
      const run = await runMqp(['data', 'import', '--file', file, '--data-dir', target]);
      expect([run.code, run.stderr]).toEqual([0, expect.stringMatching(/^imported 1 user, 1 acl, 0 ban, 0 rule, 1 retained, 1 session/)]);
    }
    const again = await runMqp(['data', 'export', '--data-dir', target]);
    expect(again.code).toBe(0);
    expect(parseLines(again.stdout)).toEqual(parseLines(readFileSync(file, 'utf8')));

    // the imported install works: the user connects and the retained message is there
    const moved = await start(target);
    const reader = await connectClient(moved.ports.mqtt!, { clientId: 'reader', username: 'dev', password: 'pw' });
    const inbox = new Inbox(reader);
    await reader.subscribeAsync('state/#', { qos: 1 });
    const [message] = await inbox.waitFor(1);
    expect(message?.packet.payload).toEqual(Buffer.from([0, 1, 2, 0xff]));
  }, 90_000);

  it('mqp data import refuses a bad line with its number and writes nothing', async () => {
    const target = dataDir();
    const input = ['{"kind":"header","format":"mqp-data","version":1}', '{"kind":"acl","rule":{"permission":"allow","action":"all","topics":["#"]}}', '{"kind":"user","user":{"username":"x"}}'].join('\n');
    const run = await runMqp(['data', 'import', '--data-dir', target], input);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/line 3/);
    expect(await mqpOk(['acl', 'list', '--data-dir', target])).toBe('');
  }, 30_000);
});
