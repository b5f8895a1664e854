import type { Message } from '@mqp/model';
import { createMemoryStores, type Stores } from '@mqp/storage';
import { DataLineError, exportData, importData, parseDataLines } from './data-transfer';

const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA';

function message(id: string, topic: string, payload: Buffer, extra: Partial<Message> = {}): Message {
  return { id, topic, payload, qos: 1, retain: false, origin: { clientId: 'pub', gatewayId: 'gw1' }, createdAt: 1_700_000_000_000, ...extra };
}

async function filledStores(): Promise<Stores> {
  const stores = createMemoryStores();
  await stores.auth.putUser({ username: 'alice', passwordHash: hash, superuser: true, scram: { salt: 'c2FsdA==', iterations: 4096, storedKey: 'aw==', serverKey: 'cw==' } });
  await stores.auth.putUser({ username: '__proto__', passwordHash: hash, superuser: false });
  await stores.auth.setAcl([
    { permission: 'deny', action: 'publish', topics: ['secret/#'], username: 'alice' },
    { permission: 'allow', action: 'all', topics: ['${clientid}/#', 'eq a/+'], ipaddr: '10.0.0.0/8' },
  ]);
  await stores.auth.putBan({ kind: 'clientid', value: 'bad', until: 1_900_000_000_000, reason: 'spam', source: 'api' });
  await stores.rules.put({ id: 'r1', sql: 'SELECT * FROM "t/#"', actions: [{ type: 'republish', topic: 'out' }] });
  // binary payload with bytes that are not UTF-8, and every optional message field
  await stores.retained.set(message('m1', 'sensors/1', Buffer.from([0, 0xff, 0xfe, 10]), { retain: true, expiresAt: 1_800_000_000_000, properties: { contentType: 'x', correlationData: Buffer.from([1, 2]), userProperties: [['k', 'v']], payloadFormatIndicator: false, messageExpiryInterval: 60, responseTopic: 'r/1' } }));
  await stores.sessions.put({
    clientId: 'sub-1',
    protocolVersion: 5,
    expiryInterval: 3600,
    subscriptions: [{ filter: 'sensors/#', qos: 2, noLocal: true, subscriptionId: 7 }],
    updatedAt: 1_700_000_000_500,
    expiresAt: 1_700_003_600_500,
    inflight: [{ message: message('m2', 'sensors/2', Buffer.from('x')), qos: 1, packetId: 5 }, { message: message('m3', 'sensors/3', Buffer.from('y')), qos: 2, packetId: 6, released: true }],
    awaitingRel: [9],
    will: { message: message('w', 'wills/sub-1', Buffer.from('gone')), dueAt: 1_700_000_010_000 },
    pending: [{ message: message('p1', 'sensors/6', Buffer.from([0xc3])), qos: 1 }],
  });
  await stores.queues.append('sub-1', { message: message('q1', 'sensors/4', Buffer.from('1')), qos: 1 });
  await stores.queues.append('sub-1', { message: message('q2', 'sensors/5', Buffer.alloc(0)), qos: 2 });
  return stores;
}

async function exportText(stores: Stores): Promise<string> {
  const lines: string[] = [];
  await exportData(stores, (l) => void lines.push(l));
  return lines.join('\n') + '\n';
}

async function snapshot(stores: Stores): Promise<unknown> {
  return {
    users: (await stores.auth.listUsers()).sort((a, b) => a.username.localeCompare(b.username)),
    acl: await stores.auth.getAcl(),
    bans: await stores.auth.listBans(),
    rules: await stores.rules.list(),
    retained: await stores.retained.match('#'),
    sessions: await stores.sessions.list(),
    queue: (await stores.queues.list('sub-1')).map(({ seq: _seq, ...d }) => d),
  };
}

describe('mqp data export / import', () => {
  it('round-trips every kind of record from one store through JSON lines into another, equal', async () => {
    const source = await filledStores();
    const text = await exportText(source);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(lines[0]).toEqual({ kind: 'header', format: 'mqp-data', version: 1 });
    expect(lines.slice(1).map((l) => l.kind)).toEqual(['user', 'user', 'acl', 'acl', 'ban', 'rule', 'retained', 'session', 'queued', 'queued']);
    // payloads are base64
    expect(text).toContain(Buffer.from([0, 0xff, 0xfe, 10]).toString('base64'));

    const target = createMemoryStores();
    const counts = await importData(target, text);
    expect(counts).toEqual({ user: 2, acl: 2, ban: 1, rule: 1, retained: 1, session: 1, queued: 2 });
    expect(await snapshot(target)).toEqual(await snapshot(source));
    expect(Buffer.isBuffer((await target.retained.get('sensors/1'))?.payload)).toBe(true);
  });

  it('is idempotent: importing the same file twice gives the same store', async () => {
    const text = await exportText(await filledStores());
    const target = createMemoryStores();
    await importData(target, text);
    const once = await snapshot(target);
    await importData(target, text);
    expect(await snapshot(target)).toEqual(once);
    // the same records again (key order inside a record may differ)
    const parse = (t: string): unknown[] => t.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(parse(await exportText(target))).toEqual(parse(text));
  });

  it.each([
    ['not JSON', '{"kind":"user"', /line 3: not JSON/],
    ['an unknown kind', '{"kind":"secret"}', /line 3: unknown kind/],
    ['a username with a wildcard', `{"kind":"user","user":{"username":"a+","passwordHash":"${hash.replace(/\$/g, '$')}","superuser":false}}`, /line 3: user\.username/],
    ['a clear password instead of a hash', '{"kind":"user","user":{"username":"a","passwordHash":"hunter2","superuser":false}}', /line 3: user\.passwordHash: not a supported PHC/],
    ['a bad ACL topic', '{"kind":"acl","rule":{"permission":"allow","action":"all","topics":["a/#/b"]}}', /line 3: .*bad topic/],
    ['a payload that is not base64', '{"kind":"retained","message":{"id":"m","topic":"t","payload":"***","qos":0,"retain":true,"origin":{"clientId":"c","gatewayId":"g"},"createdAt":1}}', /line 3: message\.payload: not base64/],
    ['a retained message with a wildcard topic', '{"kind":"retained","message":{"id":"m","topic":"t/#","payload":"","qos":0,"retain":true,"origin":{"clientId":"c","gatewayId":"g"},"createdAt":1}}', /line 3: message\.topic/],
    ['QoS 3', '{"kind":"queued","clientId":"c","delivery":{"qos":3,"message":{"id":"m","topic":"t","payload":"","qos":0,"retain":false,"origin":{"clientId":"c","gatewayId":"g"},"createdAt":1}}}', /line 3: delivery\.qos/],
    ['an unknown field', '{"kind":"ban","ban":{"kind":"clientid","value":"x","extra":1}}', /line 3: ban/],
  ])('refuses %s with its line number and writes nothing', async (_name, badLine, message) => {
    const target = createMemoryStores();
    const good = '{"kind":"ban","ban":{"kind":"clientid","value":"first"}}';
    const text = ['{"kind":"header","format":"mqp-data","version":1}', good, badLine, '{"kind":"rule","rule":{"id":"r"}}'].join('\n');
    await expect(importData(target, text)).rejects.toThrow(DataLineError);
    await expect(importData(target, text)).rejects.toThrow(message);
    expect(await snapshot(target)).toEqual(await snapshot(createMemoryStores()));
  });

  it('refuses input without the header, or with another version', () => {
    expect(() => parseDataLines('')).toThrow(/line 1: empty input/);
    expect(() => parseDataLines('{"kind":"rule","rule":{"id":"r"}}')).toThrow(/line 1: expected the header/);
    expect(() => parseDataLines('{"kind":"header","format":"mqp-data","version":2}')).toThrow(/line 1/);
  });

  it('exports a connected session as offline (its connection means nothing in another install)', async () => {
    const source = createMemoryStores();
    await source.sessions.put({ clientId: 'c', protocolVersion: 4, expiryInterval: 60, subscriptions: [], updatedAt: 1, connection: { gatewayId: 'gw1', connectionId: 'x' } });
    const target = createMemoryStores();
    await importData(target, await exportText(source));
    expect(await target.sessions.get('c')).toEqual({ clientId: 'c', protocolVersion: 4, expiryInterval: 60, subscriptions: [], updatedAt: 1 });
  });

  it('leaves the ACL alone when the file has no acl lines, and keeps __proto__ as a plain username', async () => {
    const target = createMemoryStores();
    await target.auth.setAcl([{ permission: 'allow', action: 'all', topics: ['#'] }]);
    await importData(target, `{"kind":"header","format":"mqp-data","version":1}\n{"kind":"user","user":{"username":"__proto__","passwordHash":"${hash}","superuser":false}}\n`);
    expect(await target.auth.getAcl()).toEqual([{ permission: 'allow', action: 'all', topics: ['#'] }]);
    expect((await target.auth.getUser('__proto__'))?.username).toBe('__proto__');
  });
});
