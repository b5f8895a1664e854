import { InvalidArgumentError } from '@mqp/model';
import { filterToSubjects, LONG_TOPIC_SUBJECT, MAX_SUBJECT_BYTES, subjectToTopic, topicToSubject } from './subject-mapping';

const TOPICS: Array<{ topic: string; subject: string }> = [
  { topic: 'a', subject: 'a' },
  { topic: 'a/b/c', subject: 'a.b.c' },
  { topic: '/', subject: '~.~' },
  { topic: '//', subject: '~.~.~' },
  { topic: 'a//b', subject: 'a.~.b' },
  { topic: '/a/', subject: '~.a.~' },
  { topic: '/a', subject: '~.a' },
  { topic: 'a/', subject: 'a.~' },
  { topic: 'a/b/', subject: 'a.b.~' },
  { topic: 'a.b', subject: 'a~2Eb' },
  { topic: '.', subject: '~2E' },
  { topic: '*', subject: '~2A' },
  { topic: 'a/*/>', subject: 'a.~2A.~3E' },
  { topic: '>', subject: '~3E' },
  { topic: 'a b', subject: 'a~20b' },
  { topic: ' ', subject: '~20' },
  { topic: 'tab\there', subject: 'tab~09here' },
  { topic: 'line\r\n', subject: 'line~0D~0A' },
  { topic: 'del\u007f', subject: 'del~7F' },
  { topic: 'nel\u0085', subject: 'nel~C2~85' },
  { topic: 'nbsp\u00a0x', subject: 'nbsp~C2~A0x' },
  { topic: 'ideographic\u3000space', subject: 'ideographic~E3~80~80space' },
  { topic: '\ufeffbom', subject: '~EF~BB~BFbom' },
  { topic: '$SYS/x', subject: '~24SYS.x' },
  { topic: 'a/$', subject: 'a.~24' },
  { topic: '~', subject: '~7E' },
  { topic: '~~/~7E', subject: '~7E~7E.~7E7E' },
  { topic: 'café/é', subject: 'café.é' },
  { topic: '日本/語', subject: '日本.語' },
  { topic: 'emoji/😀', subject: 'emoji.😀' },
  { topic: 'a-b_c:d@e!f', subject: 'a-b_c:d@e!f' },
  { topic: '__proto__/constructor', subject: '__proto__.constructor' },
];

describe('topicToSubject / subjectToTopic', () => {
  it.each(TOPICS)('maps $topic to $subject', ({ topic, subject }) => {
    expect(topicToSubject(topic)).toBe(subject);
  });

  it.each(TOPICS)('maps $subject back to $topic', ({ topic, subject }) => {
    expect(subjectToTopic(subject)).toBe(topic);
  });

  it('produces subjects with no empty token, no wildcard token and no whitespace', () => {
    for (const { topic } of TOPICS) {
      const tokens = topicToSubject(topic).split('.');
      expect(tokens.length).toBe(topic.split('/').length);
      for (const token of tokens) {
        expect(token).not.toBe('');
        expect(token).not.toMatch(/[*>\s$]/u);
      }
    }
  });

  it('round-trips every BMP character in a level', () => {
    let chars = '';
    for (let c = 1; c < 0xd800; c++) if (c !== 0x2f && c !== 0x2b && c !== 0x23) chars += String.fromCharCode(c);
    for (let c = 0xe000; c <= 0xffff; c++) chars += String.fromCharCode(c);
    // in levels short enough for the bus (MAX_SUBJECT_BYTES)
    for (let i = 0; i < chars.length; i += 100) {
      const topic = chars.slice(i, i + 100);
      const subject = topicToSubject(topic);
      expect(subject).not.toMatch(/[.*>\s]/u);
      expect(subjectToTopic(subject)).toBe(topic);
    }
  });

  it('maps a topic whose subject would exceed MAX_SUBJECT_BYTES (escapes and UTF-8 counted) to the one subject ~L, which no shorter topic maps to [CVE-2019-11779]', () => {
    expect(topicToSubject('x'.repeat(MAX_SUBJECT_BYTES))).toBe('x'.repeat(MAX_SUBJECT_BYTES));
    expect(topicToSubject('x'.repeat(MAX_SUBJECT_BYTES + 1))).toBe(LONG_TOPIC_SUBJECT);
    expect(topicToSubject('x'.repeat(65_535))).toBe(LONG_TOPIC_SUBJECT);
    // 400 '$' escape to 1,200 bytes; 400 '€' are 1,200 UTF-8 bytes in 400 code units
    expect(topicToSubject('$'.repeat(400))).toBe(LONG_TOPIC_SUBJECT);
    expect(topicToSubject('€'.repeat(400))).toBe(LONG_TOPIC_SUBJECT);
    expect(topicToSubject('€'.repeat(341))).toBe('€'.repeat(341));
    expect(() => subjectToTopic(LONG_TOPIC_SUBJECT)).toThrow(InvalidArgumentError);
  });

  it.each(['~', '~4', '~zz', 'a~2', '~2e', '~FF', '~C2'])(
    'refuses the subject token %j that no topic maps to',
    (token) => {
      // '~' alone is the empty level, so test it inside a longer token
      const subject = token === '~' ? 'a~' : token;
      expect(() => subjectToTopic(subject)).toThrow(InvalidArgumentError);
    },
  );
});

describe('filterToSubjects', () => {
  it.each([
    ['a/b', ['a.b']],
    ['+', ['*']],
    ['a/+', ['a.*', '~L']],
    ['+/+', ['*.*', '~L']],
    ['#', ['>']],
    ['a/#', ['a.>', 'a', '~L']],
    ['a/+/#', ['a.*.>', 'a.*', '~L']],
    ['+/#', ['*.>', '*']],
    ['/#', ['~.>', '~', '~L']],
    ['a//+', ['a.~.*', '~L']],
    ['$SYS/#', ['~24SYS.>', '~24SYS', '~L']],
    ['a.b/+', ['a~2Eb.*', '~L']],
    ['a b/c', ['a~20b.c']],
    ['é/😀/#', ['é.😀.>', 'é.😀', '~L']],
  ])('maps %j to %j (a wildcard filter also listens on the long-topic subject ~L unless * or > covers it)', (filter, subjects) => {
    expect(filterToSubjects(filter)).toEqual(subjects);
  });

  it('maps a filter too long for the bus to ~L alone, and a wildcard filter with a long literal part to ~L for the long topics it can match', () => {
    const long = 'x'.repeat(MAX_SUBJECT_BYTES + 1);
    expect(filterToSubjects(long)).toEqual([LONG_TOPIC_SUBJECT]);
    expect(filterToSubjects(`${long}/+`)).toEqual([LONG_TOPIC_SUBJECT]);
    expect(filterToSubjects(`${long}/#`)).toEqual([LONG_TOPIC_SUBJECT]);
    // the parent level of a/# may still fit when the filter itself does not
    const edge = 'x'.repeat(MAX_SUBJECT_BYTES - 1);
    expect(filterToSubjects(`${edge}/#`)).toEqual([LONG_TOPIC_SUBJECT, edge]);
  });

  it('keeps a literal * or > level literal so it is never a NATS wildcard', () => {
    expect(filterToSubjects('a/*')).toEqual(['a.~2A']);
    expect(filterToSubjects('a/>')).toEqual(['a.~3E']);
  });

  it('yields subjects that contain the subject of every topic the filter matches', () => {
    // spot check with NATS token semantics: '*' one token, '>' one or more
    const natsMatch = (subject: string, pattern: string): boolean => {
      const s = subject.split('.');
      const p = pattern.split('.');
      for (let i = 0; i < p.length; i++) {
        if (p[i] === '>') return s.length > i;
        if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
      }
      return s.length === p.length;
    };
    const long = 'y'.repeat(MAX_SUBJECT_BYTES);
    const cases: Array<[string, string]> = [
      [long, '+'],
      [`a/${long}`, 'a/+'],
      [`a/${long}`, 'a/#'],
      [`a/${long}`, '#'],
      [`a/${long}/b`, '+/+/b'],
      [`${long}/b`, `${long}/+`],
      [`${long}x`, `${long}x`],
      ['a', 'a/#'],
      ['a/b/c', 'a/#'],
      ['a//', 'a/+/#'],
      ['a/x', 'a/+/#'],
      ['/', '#'],
      ['a.b/c', 'a.b/+'],
    ];
    for (const [topic, filter] of cases) {
      const subject = topicToSubject(topic);
      expect(filterToSubjects(filter).some((pattern) => natsMatch(subject, pattern))).toBe(true);
    }
  });
});
