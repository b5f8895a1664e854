import { packRun, unpackRun } from './nats-runs';

function parts(payload: Uint8Array): number[][] {
  const out: number[][] = [];
  unpackRun(payload, (part) => out.push(Array.from(part)));
  return out;
}

describe('runs of publishes (NatsBus framing)', () => {
  it('gives back the parts of a run in order, empty ones included', () => {
    const publishes = [[1, 2, 3], [], [255], Array.from({ length: 300 }, (_, i) => i % 256)].map((p) => ({ data: Uint8Array.from(p) }));
    expect(parts(packRun(publishes, 0, publishes.length))).toEqual(publishes.map((p) => Array.from(p.data)));
  });

  it('packs only the publishes between `from` and `to`', () => {
    const publishes = [[1], [2], [3], [4]].map((p) => ({ data: Uint8Array.from(p) }));
    expect(parts(packRun(publishes, 1, 3))).toEqual([[2], [3]]);
  });

  it('hands views of the payload, not copies', () => {
    const payload = packRun([{ data: Uint8Array.from([7, 7]) }, { data: Uint8Array.from([8]) }], 0, 2);
    const seen: Uint8Array[] = [];
    unpackRun(payload, (part) => seen.push(part));
    expect(seen.map((p) => p.buffer)).toEqual([payload.buffer, payload.buffer]);
  });

  it('refuses a truncated run whole, before handing any part', () => {
    const payload = packRun([{ data: Uint8Array.from([1, 2]) }, { data: Uint8Array.from([3, 4, 5]) }], 0, 2);
    for (const cut of [payload.length - 1, 7, 2]) {
      const seen: Uint8Array[] = [];
      expect(() => unpackRun(payload.subarray(0, cut), (part) => seen.push(part))).toThrow(/truncated run/);
      expect(seen).toEqual([]);
    }
  });
});
