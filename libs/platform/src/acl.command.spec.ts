import { MemoryAuthStore } from '@mqp/storage';
import { parseAclCommand, runAclCommand } from './acl.command';
import { UsageError } from './store-command';

describe('mqp acl: parsing', () => {
  it('parses add with several topics, a username and a position', () => {
    expect(parseAclCommand(['add', '--permission', 'deny', '--action', 'publish', '--topic', 'a/#', '--topic', 'eq b/+', '--username', 'u1', '--position', '0', '--data-dir', '/d'])).toEqual({
      action: 'add',
      store: { dataDir: '/d' },
      rule: { permission: 'deny', action: 'publish', topics: ['a/#', 'eq b/+'], username: 'u1' },
      position: 0,
    });
    expect(parseAclCommand(['add', '--permission=allow', '--action=all', '--topic=${clientid}/#', '--ipaddr', '10.0.0.0/8'])).toMatchObject({ rule: { ipaddr: '10.0.0.0/8', topics: ['${clientid}/#'] } });
    expect(parseAclCommand(['remove', '3'])).toEqual({ action: 'remove', store: {}, index: 3 });
    expect(parseAclCommand(['list', '--mongodb', 'mongodb://h/x'])).toEqual({ action: 'list', store: { mongodbUri: 'mongodb://h/x' } });
  });

  const base = ['add', '--permission', 'allow', '--action', 'all'];
  it.each([
    [[...base], /at least one --topic/],
    [[...base, '--topic', 'a/#/b'], /bad topic "a\/#\/b"/],
    [[...base, '--topic', 'a+'], /bad topic/],
    [[...base, '--topic', ''], /bad topic/],
    [[...base, '--topic', 'eq a/#/b'], /bad topic/],
    [[...base, '--topic', 'a', '--username', 'x+y'], /\+, # or \//],
    [[...base, '--topic', 'a', '--username', 'u', '--clientid', 'c'], /at most one of/],
    [[...base, '--topic', 'a', '--ipaddr', '10.0.0.300'], /bad ipaddr/],
    [[...base, '--topic', 'a', '--position', '-1'], /whole number/],
    [['add', '--permission', 'maybe', '--action', 'all', '--topic', 'a'], /--permission/],
    [['add', '--permission', 'allow', '--action', 'read', '--topic', 'a'], /--action/],
    [['remove', 'x'], /whole number/],
    [['remove'], /one index/],
    [['drop'], /unknown acl command/],
  ])('refuses %j', (args, message) => {
    expect(() => parseAclCommand(args)).toThrow(UsageError);
    expect(() => parseAclCommand(args)).toThrow(message);
  });
});

describe('mqp acl: running', () => {
  const run = async (store: MemoryAuthStore, args: string[]): Promise<string[]> => {
    const lines: string[] = [];
    await runAclCommand(parseAclCommand(args), { store, output: { out: (l) => lines.push(l) } });
    return lines;
  };

  it('appends, inserts at a position, lists in order and removes by index', async () => {
    const store = new MemoryAuthStore();
    await run(store, ['add', '--permission', 'allow', '--action', 'all', '--topic', '#']);
    await run(store, ['add', '--permission', 'deny', '--action', 'publish', '--topic', 'secret/#', '--clientid', 'c1', '--position', '0']);
    expect(await run(store, ['list'])).toEqual(['0\tdeny\tpublish\tclientid=c1\tsecret/#', '1\tallow\tall\tanyone\t#']);
    expect(await run(store, ['remove', '0'])).toEqual(['removed 0\tdeny\tpublish\tclientid=c1\tsecret/#']);
    expect(await store.getAcl()).toEqual([{ permission: 'allow', action: 'all', topics: ['#'] }]);
  });

  it('refuses a position past the end and an unknown index, changing nothing', async () => {
    const store = new MemoryAuthStore();
    await expect(run(store, ['add', '--permission', 'allow', '--action', 'all', '--topic', '#', '--position', '1'])).rejects.toThrow(/past the end/);
    await expect(run(store, ['remove', '0'])).rejects.toThrow(/no rule 0/);
    expect(await store.getAcl()).toEqual([]);
  });
});
