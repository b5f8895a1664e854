import { subjects } from './subjects';

describe('subjects.message', () => {
  it('maps a topic to its subject, escaped, and the same way each time it is asked again (remembered)', () => {
    for (let round = 0; round < 2; round++) {
      expect(subjects.message('fleet/car-7/pos')).toBe('mqp.msg.fleet.car-7.pos');
      expect(subjects.message('/a/')).toBe('mqp.msg.~.a.~');
      expect(subjects.message('$SYS/x')).toBe('mqp.msg.~24SYS.x');
    }
  });

  it('still maps every topic right once more distinct topics came than it remembers', () => {
    for (let i = 0; i < 25_000; i++) expect(subjects.message(`t/${i}`)).toBe(`mqp.msg.t.${i}`);
    expect(subjects.message('a.b/c')).toBe(subjects.message('a.b/c'));
    expect(subjects.message('a.b/c')).not.toBe('mqp.msg.a.b.c');
  });
});
