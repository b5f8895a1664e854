import { IdSource, newId } from './ids';

describe('newId', () => {
  it('never repeats an id within a process, across many blocks of ids', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes twelve characters safe in any text: a random prefix of eight, then a counter, in order', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[-0-9A-Za-z_]{12}$/);
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(1);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws a new random prefix when the 24-bit counter wraps, so ids stay unique past it', () => {
    const source = new IdSource((1 << 24) - 3);
    const ids = Array.from({ length: 6 }, () => source.next());
    expect(new Set(ids).size).toBe(6);
    expect(ids[2]!.slice(8)).toBe('zzzz');
    expect(ids[3]!.slice(8)).toBe('----');
    expect(ids[3]!.slice(0, 8)).not.toBe(ids[2]!.slice(0, 8));
  });
});
