import { newId } from './ids';

describe('newId', () => {
  it('never repeats an id within a process, across many blocks of ids', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives ids of one process a common random prefix and a counter after it, in order within a block', () => {
    const [a, b] = [newId(), newId()];
    expect(a.slice(0, 12)).toMatch(/^[0-9a-f]{12}$/);
    expect(b.slice(0, 12)).toBe(a.slice(0, 12));
    expect(a).not.toBe(b);
    // one block: same length, same text up to the counter's last two characters
    const block = Array.from({ length: 1_500 }, () => newId()).filter((id) => id.slice(0, -2) === b.slice(0, -2));
    expect(block.length).toBeGreaterThan(1);
    expect([...block].sort()).toEqual(block);
  });
});
