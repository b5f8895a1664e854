import { isSysTopic, parseSharedFilter, validateTopicFilter, validateTopicName } from './topic';

describe('validateTopicName', () => {
  it.each([
    'a',
    'a/b/c',
    '/',
    '//',
    'a//b',
    '/a/',
    ' ',
    '$SYS/broker/uptime',
    'é/日本/😀',
    '__proto__',
    'constructor/toString',
    'a'.repeat(65_535),
  ])('accepts %j', (topic) => {
    expect(validateTopicName(topic)).toBeUndefined();
  });

  it('refuses an empty topic name [MQTT-4.7.3-1]', () => {
    expect(validateTopicName('')).toMatch(/empty/);
  });

  it.each(['+', 'a/+', 'a/#', '#', 'a+', 'a/b#'])('refuses wildcard in topic name %j [MQTT-3.3.2-2]', (topic) => {
    expect(validateTopicName(topic)).toMatch(/wildcard/);
  });

  it('refuses U+0000 [MQTT-4.7.3-2]', () => {
    expect(validateTopicName('a/\u0000/b')).toMatch(/U\+0000/);
  });

  it.each([
    ['lone high surrogate', 'a\ud800'],
    ['lone high surrogate mid string', 'a\ud800b'],
    ['lone low surrogate', '\udc00a'],
    ['reversed pair', '\udc00\ud800'],
  ])('refuses %s [MQTT-1.5.3-1]', (_name, topic) => {
    expect(validateTopicName(topic)).toMatch(/surrogate/);
  });

  it('refuses the replacement character left by invalid UTF-8 [MQTT-1.5.3-1]', () => {
    const decoded = Buffer.from([0x61, 0xc3, 0x28]).toString('utf8'); // 0xC3 0x28 is ill-formed
    expect(validateTopicName(decoded)).toMatch(/UTF-8/);
  });

  it('counts UTF-8 bytes, not UTF-16 units, against 65,535', () => {
    expect(validateTopicName('a'.repeat(65_536))).toMatch(/65535 bytes/);
    expect(validateTopicName('é'.repeat(32_767))).toBeUndefined(); // 65,534 bytes
    expect(validateTopicName('é'.repeat(32_768))).toMatch(/bytes/); // 65,536 bytes
    expect(validateTopicName('😀'.repeat(16_384))).toMatch(/bytes/); // 65,536 bytes, 32,768 units
  });

  it('applies a configured maxLength', () => {
    expect(validateTopicName('abcd', { maxLength: 3 })).toMatch(/3 bytes/);
    expect(validateTopicName('abc', { maxLength: 3 })).toBeUndefined();
  });

  it('refuses more than 128 levels by default', () => {
    expect(validateTopicName(Array(128).fill('a').join('/'))).toBeUndefined();
    expect(validateTopicName(Array(129).fill('a').join('/'))).toMatch(/128 levels/);
    expect(validateTopicName('/'.repeat(65_000))).toMatch(/128 levels/);
  });

  it('applies a configured maxLevels', () => {
    expect(validateTopicName('a/b/c', { maxLevels: 2 })).toMatch(/2 levels/);
  });
});

describe('validateTopicFilter', () => {
  it.each([
    '#',
    '+',
    'a/#',
    'a/+',
    '+/+',
    '+/b/#',
    '/#',
    '/+/',
    'a//b',
    '$SYS/#',
    '$share/g/a/+',
    '$share/g/#',
    '$share/g//',
    '$queue/a/b',
    '$share',
    '$sharex/a',
  ])('accepts %j', (filter) => {
    expect(validateTopicFilter(filter)).toBeUndefined();
  });

  it('refuses an empty filter [MQTT-4.7.3-1]', () => {
    expect(validateTopicFilter('')).toMatch(/empty/);
  });

  it.each(['a/#/b', '#/a', 'a#', 'a/b#', '##', 'a/#/'])("refuses %j: '#' only as the last whole level [MQTT-4.7.1-2]", (f) => {
    expect(validateTopicFilter(f)).toMatch(/'#'/);
  });

  it.each(['a+', '+a', 'a/b+/c', '++', 'a/+b'])("refuses %j: '+' only as a whole level [MQTT-4.7.1-3]", (f) => {
    expect(validateTopicFilter(f)).toMatch(/'\+'/);
  });

  it.each([
    ['$share//a', /group is empty/],
    ['$share/', /group is empty/],
    ['$share/g', /no topic filter/],
    ['$share/g/', /no topic filter/],
    ['$queue/', /no topic filter/],
  ])('refuses shared filter %j [MQTT-4.8.2-1]', (filter, reason) => {
    expect(validateTopicFilter(filter)).toMatch(reason);
  });

  it.each(['$share/+/a', '$share/#/a', '$share/g+/a'])('refuses shared group with a wildcard %j [MQTT-4.8.2-2]', (f) => {
    expect(validateTopicFilter(f)).toMatch(/group/);
  });

  it('validates the filter inside a shared subscription', () => {
    expect(validateTopicFilter('$share/g/a/#/b')).toMatch(/shared subscription filter: '#'/);
    expect(validateTopicFilter('$share/g/a\u0000')).toMatch(/U\+0000/);
  });

  it('refuses U+0000, surrogates and too many levels like a topic name', () => {
    expect(validateTopicFilter('a/\u0000')).toMatch(/U\+0000/);
    expect(validateTopicFilter('a/\udfff')).toMatch(/surrogate/);
    expect(validateTopicFilter(Array(129).fill('+').join('/'))).toMatch(/levels/);
  });
});

describe('parseSharedFilter', () => {
  it.each([
    ['$share/g/a/b', { group: 'g', filter: 'a/b' }],
    ['$share/g/#', { group: 'g', filter: '#' }],
    ['$share/g//', { group: 'g', filter: '/' }],
    ['$queue/a/b', { group: '$queue', filter: 'a/b' }],
    ['$share//a', { group: '', filter: 'a' }],
    ['$share/g', { group: 'g', filter: '' }],
  ])('splits %j', (input, expected) => {
    expect(parseSharedFilter(input)).toEqual(expected);
  });

  it.each(['a/b', '$share', '$sharegroup/a', '$SYS/#', '#'])('returns undefined for the plain filter %j', (f) => {
    expect(parseSharedFilter(f)).toBeUndefined();
  });
});

describe('isSysTopic', () => {
  it('is true only for topics starting with $', () => {
    expect(isSysTopic('$SYS/x')).toBe(true);
    expect(isSysTopic('$share/g/a')).toBe(true);
    expect(isSysTopic('a/$SYS')).toBe(false);
    expect(isSysTopic('')).toBe(false);
  });
});
