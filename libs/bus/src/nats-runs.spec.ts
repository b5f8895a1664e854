import { RUN_MAX_PARTS, RunWriter, unpackRun, type ClosedRun } from './nats-runs';

function parts(run: ClosedRun | undefined): number[][] {
  const out: number[][] = [];
  unpackRun(run!.data, (part) => out.push(Array.from(part)));
  return out;
}

/** One run to `subject` of the given parts, as NatsBus writes it. */
function runOf(writer: RunWriter, subject: string, payloads: number[][]): ClosedRun | undefined {
  writer.begin(subject);
  for (const p of payloads) writer.write(Uint8Array.from(p), p.length);
  return writer.close();
}

describe('runs of publishes (NatsBus framing)', () => {
  it('gives back the parts of a run in order, empty ones included', () => {
    const payloads = [[1, 2, 3], [], [255], Array.from({ length: 300 }, (_, i) => i % 256)];
    const run = runOf(new RunWriter(), 's', payloads);
    expect(run).toMatchObject({ subject: 's', parts: 4 });
    expect(parts(run)).toEqual(payloads);
  });

  it('sends a run of one part as its bare payload, and a run of none not at all', () => {
    const writer = new RunWriter();
    expect(runOf(writer, 's', [[4, 5]])).toEqual({ subject: 's', data: Buffer.from([4, 5]), parts: 1 });
    expect(runOf(writer, 's', [])).toBeUndefined();
  });

  it('writes a payload that encodes itself in place, and refuses one that writes another length than it measured', () => {
    const writer = new RunWriter();
    writer.begin('s');
    writer.write({ encodeInto: (out, at) => ((out[at] = 7), at + 1) }, 1);
    const liar = { encodeInto: (out: Buffer, at: number) => ((out[at] = 1), at + 1) };
    expect(() => writer.write(liar, 2)).toThrow(/wrote 1 bytes, not the 2/);
    // the run is as it was before the refused part
    writer.write(Uint8Array.from([8]), 1);
    expect(parts(writer.close())).toEqual([[7], [8]]);
  });

  it('says when a part may join the open run: same subject, within the parts limit and the byte limit', () => {
    const writer = new RunWriter();
    expect(writer.extends('s', 1, 100)).toBe(false);
    writer.begin('s');
    writer.write(Uint8Array.from([1]), 1);
    expect(writer.extends('s', 1, 10)).toBe(true);
    expect(writer.extends('t', 1, 10)).toBe(false);
    // 5 bytes written, 5 more would make 10
    expect(writer.extends('s', 1, 10)).toBe(true);
    expect(writer.extends('s', 2, 10)).toBe(false);
    for (let i = 1; i < RUN_MAX_PARTS; i++) writer.write(Uint8Array.from([1]), 1);
    expect(writer.extends('s', 1, 1e9)).toBe(false);
  });

  it('never writes over a closed run: later runs, and a run that outgrows its chunk, go elsewhere', () => {
    const writer = new RunWriter();
    const first = runOf(writer, 'a', [[1, 1], [2, 2]]);
    const before = Buffer.from(first!.data);
    // a run bigger than a chunk moves to a new one, its first parts with it
    const big = Array.from({ length: 40 }, (_, i) => Array.from({ length: 4000 }, () => i));
    const second = runOf(writer, 'b', big);
    const third = runOf(writer, 'c', [[3]]);
    expect(Buffer.from(first!.data)).toEqual(before);
    expect(parts(first)).toEqual([[1, 1], [2, 2]]);
    expect(parts(second)).toEqual(big);
    expect(third?.data).toEqual(Buffer.from([3]));
  });

  it('hands views of the payload, not copies', () => {
    const run = runOf(new RunWriter(), 's', [[7, 7], [8]]);
    const seen: Uint8Array[] = [];
    unpackRun(run!.data, (part) => seen.push(part));
    expect(seen.map((p) => p.buffer)).toEqual([run!.data.buffer, run!.data.buffer]);
  });

  it('refuses a truncated run whole, before handing any part', () => {
    const payload = runOf(new RunWriter(), 's', [[1, 2], [3, 4, 5]])!.data;
    for (const cut of [payload.length - 1, 7, 2]) {
      const seen: Uint8Array[] = [];
      expect(() => unpackRun(payload.subarray(0, cut), (part) => seen.push(part))).toThrow(/truncated run/);
      expect(seen).toEqual([]);
    }
  });
});
