import { InvalidArgumentError } from '@mqp/model';
import { FrameDecoder, FrameEncoder, SLAB_BYTES, type HubFrame } from './hub-frames';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function encode(...frames: HubFrame[]): Buffer {
  const encoder = new FrameEncoder();
  for (const frame of frames) encoder.write(frame);
  return Buffer.from(encoder.take() ?? Buffer.alloc(0));
}

function decode(chunks: Buffer[], maxFrameSize?: number): HubFrame[] {
  const frames: HubFrame[] = [];
  const decoder = new FrameDecoder((f) => frames.push(f), maxFrameSize);
  for (const chunk of chunks) decoder.push(chunk);
  return frames;
}

function headers(entries: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null), entries);
}

interface Golden {
  name: string;
  frame: HubFrame;
  bytes: Buffer;
}

// size:u32 | type:u8 | body; strings are length:u32 + UTF-8
const GOLDEN: Golden[] = [
  { name: 'HELLO "w1"', frame: { type: 'hello', name: 'w1' }, bytes: hex('00000007 01  00000002 7731') },
  {
    name: 'SUB sid 1 to "a.b"',
    frame: { type: 'sub', sid: 1, subject: 'a.b' },
    bytes: hex('0000000d 02  00000001  00  00000003 612e62'),
  },
  {
    name: 'SUB sid 2 to "a.b" in queue group "q"',
    frame: { type: 'sub', sid: 2, subject: 'a.b', queue: 'q' },
    bytes: hex('00000012 02  00000002  01  00000003 612e62  00000001 71'),
  },
  { name: 'UNSUB sid 1', frame: { type: 'unsub', sid: 1 }, bytes: hex('00000005 03  00000001') },
  {
    name: 'PUB to "a", no headers, data "hi"',
    frame: { type: 'pub', subject: 'a', data: Buffer.from('hi') },
    bytes: hex('00000009 04  00  00000001 61  6869'),
  },
  {
    name: 'PUB with one header and empty data',
    frame: { type: 'pub', subject: 'a', headers: headers({ k: 'v' }), data: Buffer.alloc(0) },
    bytes: hex('00000015 04  01  00000001 61  00000001 00000001 6b 00000001 76'),
  },
  {
    name: 'PUB with an empty header record (kept: not the same as none)',
    frame: { type: 'pub', subject: 'a', headers: headers({}), data: Buffer.from('x') },
    bytes: hex('0000000c 04  01  00000001 61  00000000  78'),
  },
  {
    name: 'PUB to a UTF-8 subject "é"',
    frame: { type: 'pub', subject: 'é', data: Buffer.alloc(0) },
    bytes: hex('00000008 04  00  00000002 c3a9'),
  },
  {
    name: 'MSG sid 7 with one header and binary data',
    frame: { type: 'msg', sid: 7, subject: 'a', headers: headers({ k: 'v' }), data: hex('ff00') },
    bytes: hex('0000001b 05  00000007  01  00000001 61  00000001 00000001 6b 00000001 76  ff00'),
  },
  {
    name: 'MSG sid 4294967295 without headers or data',
    frame: { type: 'msg', sid: 0xffffffff, subject: 'a', data: Buffer.alloc(0) },
    bytes: hex('0000000b 05  ffffffff  00  00000001 61'),
  },
  { name: 'PING 1', frame: { type: 'ping', id: 1 }, bytes: hex('00000005 06  00000001') },
  { name: 'PONG 1', frame: { type: 'pong', id: 1 }, bytes: hex('00000005 07  00000001') },
  { name: 'SETTLE 2', frame: { type: 'settle', id: 2 }, bytes: hex('00000005 08  00000002') },
  { name: 'SETTLED 2', frame: { type: 'settled', id: 2 }, bytes: hex('00000006 09  00000002  00') },
  {
    name: 'SETTLED 3 with the error "disk full"',
    frame: { type: 'settled', id: 3, error: 'disk full' },
    bytes: hex('00000013 09  00000003  01  00000009 6469736b2066756c6c'),
  },
];

describe('hub frames', () => {
  describe.each(GOLDEN)('$name', ({ frame, bytes }) => {
    it('encodes to the golden bytes', () => {
      expect(encode(frame).toString('hex')).toBe(bytes.toString('hex'));
    });

    it('decodes from the golden bytes', () => {
      expect(decode([bytes])).toEqual([frame]);
    });
  });

  it('keeps absent headers absent and an empty header record an empty record', () => {
    const [without, empty] = decode([GOLDEN[4]!.bytes, GOLDEN[6]!.bytes]) as Extract<HubFrame, { type: 'pub' }>[];
    expect(without?.headers).toBeUndefined();
    expect(empty?.headers).toBeDefined();
    expect(Object.keys(empty?.headers ?? { missing: '' })).toEqual([]);
  });

  it('decodes header names like __proto__ and constructor as plain entries of a record without prototype', () => {
    const sent = headers({ ['__proto__']: 'a', constructor: 'b', toString: 'c' });
    const [frame] = decode([encode({ type: 'pub', subject: 's', headers: sent, data: Buffer.alloc(0) })]);
    const received = (frame as Extract<HubFrame, { type: 'pub' }>).headers ?? {};
    expect(Object.getPrototypeOf(received)).toBeNull();
    expect(Object.entries(received)).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
      ['toString', 'c'],
    ]);
  });

  describe('decoding a stream cut anywhere', () => {
    const stream = Buffer.concat(GOLDEN.map((g) => g.bytes));
    const expected = GOLDEN.map((g) => g.frame);

    it('decodes the same frames for every split of the stream into two chunks', () => {
      for (let i = 1; i < stream.length; i++) {
        expect({ at: i, frames: decode([copy(stream, 0, i), copy(stream, i)]) }).toEqual({ at: i, frames: expected });
      }
    });

    it('decodes the same frames for every split of the stream into three chunks', () => {
      // compared as text: ~25,000 toEqual calls would take seconds
      const want = describeFrames(expected);
      const wrong: string[] = [];
      for (let i = 1; i < stream.length; i++) {
        for (let j = i + 1; j < stream.length; j++) {
          const got = describeFrames(decode([copy(stream, 0, i), copy(stream, i, j), copy(stream, j)]));
          if (got !== want) wrong.push(`${i},${j}: ${got}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('decodes the same frames when the stream arrives one byte at a time', () => {
      const bytes = Array.from({ length: stream.length }, (_, i) => copy(stream, i, i + 1));
      expect(decode(bytes)).toEqual(expected);
    });
  });

  describe('payload buffers', () => {
    const frame: HubFrame = { type: 'pub', subject: 'a', data: Buffer.from('payload') };

    it('hands out the payload of a frame inside one chunk as a view of that chunk', () => {
      const chunk = encode(frame);
      const [decoded] = decode([chunk]) as Extract<HubFrame, { type: 'pub' }>[];
      expect(decoded?.data.buffer).toBe(chunk.buffer);
      chunk.fill(0x2a, chunk.length - 7);
      expect(Buffer.from(decoded?.data ?? []).toString()).toBe('*******');
    });

    it('copies the payload of a frame that spans chunks, so no chunk is referenced', () => {
      const bytes = encode(frame);
      const first = copy(bytes, 0, 12);
      const second = copy(bytes, 12);
      const [decoded] = decode([first, second]) as Extract<HubFrame, { type: 'pub' }>[];
      first.fill(0);
      second.fill(0);
      expect(Buffer.from(decoded?.data ?? []).toString()).toBe('payload');
    });
  });

  describe('refusals', () => {
    it('refuses a frame over the size limit as soon as its size arrives, before its body', () => {
      const decoder = new FrameDecoder(() => undefined, 1000);
      expect(() => decoder.push(hex('000003e9 04'))).toThrow(new InvalidArgumentError('bus hub frame of 1001 bytes exceeds the limit of 1000'));
    });

    it('refuses an oversized frame whose size prefix is split across chunks', () => {
      const decoder = new FrameDecoder(() => undefined, 1000);
      decoder.push(hex('0000'));
      expect(() => decoder.push(hex('03e9'))).toThrow(/exceeds the limit of 1000/);
    });

    it('accepts a frame of exactly the size limit', () => {
      const frame: HubFrame = { type: 'pub', subject: 'a', data: Buffer.alloc(1000 - 1 - 1 - 5) };
      expect(decode([encode(frame)], 1000)).toHaveLength(1);
    });

    it('refuses an unknown frame type', () => {
      expect(() => decode([hex('00000001 63')])).toThrow(new InvalidArgumentError('unknown bus hub frame type 0x63'));
    });

    it('refuses type 0 and a frame with no type byte', () => {
      expect(() => decode([hex('00000001 00')])).toThrow('unknown bus hub frame type 0x00');
      expect(() => decode([hex('00000000')])).toThrow('malformed bus hub frame: no type');
    });

    it('refuses a string that runs past the end of its frame', () => {
      // SUB whose subject claims 200 bytes in a 13-byte frame
      expect(() => decode([hex('0000000d 02  00000001  00  000000c8 612e62')])).toThrow(
        'malformed bus hub frame: a field runs past the end of its frame',
      );
    });

    it('refuses bytes left over after a fixed-size frame', () => {
      expect(() => decode([hex('00000006 06  00000001 00')])).toThrow('malformed bus hub frame: 1 bytes after a PING frame');
    });

    it('refuses to encode a frame over the size limit, writing nothing of it', () => {
      const encoder = new FrameEncoder(100);
      encoder.write({ type: 'ping', id: 1 });
      expect(() => encoder.write({ type: 'pub', subject: 'a', data: Buffer.alloc(100) })).toThrow(InvalidArgumentError);
      expect(() => encoder.write({ type: 'pub', subject: 'a'.repeat(100), data: Buffer.alloc(0) })).toThrow(
        'bus hub frame of 106 bytes exceeds the limit of 100',
      );
      encoder.write({ type: 'pong', id: 2 });
      expect(decode([encoder.take() ?? Buffer.alloc(0)])).toEqual([
        { type: 'ping', id: 1 },
        { type: 'pong', id: 2 },
      ]);
    });
  });

  describe('encoder batches', () => {
    it('a batch taken is never overwritten by frames encoded after it', () => {
      const encoder = new FrameEncoder();
      encoder.write({ type: 'pub', subject: 'a', data: Buffer.from('first') });
      const first = encoder.take();
      const before = Buffer.from(first ?? []);
      for (let i = 0; i < 100; i++) encoder.write({ type: 'pub', subject: 'b', data: Buffer.alloc(1000, i) });
      expect(first).toEqual(before);
      expect(encoder.take()).toHaveLength(100 * (4 + 1 + 1 + 5 + 1000));
      expect(encoder.take()).toBeUndefined();
    });

    it('encodes frames larger than a slab, and frames that cross from one slab to the next', () => {
      const encoder = new FrameEncoder();
      const frames: HubFrame[] = [
        { type: 'pub', subject: 'small', data: Buffer.alloc(SLAB_BYTES - 100, 1) },
        { type: 'pub', subject: 'crosses', data: Buffer.alloc(1000, 2) },
        { type: 'msg', sid: 1, subject: 'large', data: Buffer.alloc(3 * SLAB_BYTES, 3) },
      ];
      for (const frame of frames) encoder.write(frame);
      expect(describeFrames(decode([encoder.take() ?? Buffer.alloc(0)]))).toBe(describeFrames(frames));
    });

    it('copies the payload at encoding, so the caller may reuse its buffer', () => {
      const encoder = new FrameEncoder();
      const data = Buffer.from('original');
      encoder.write({ type: 'pub', subject: 'a', data });
      data.fill(0);
      const [frame] = decode([encoder.take() ?? Buffer.alloc(0)]) as Extract<HubFrame, { type: 'pub' }>[];
      expect(Buffer.from(frame?.data ?? []).toString()).toBe('original');
    });
  });
});

/** A chunk with its own memory, as Node hands out per 'data' event. */
function copy(buf: Buffer, start: number, end = buf.length): Buffer {
  return Buffer.from(buf.subarray(start, end));
}

/** Frames as comparable text: payloads in hex, header records as entry lists (prototype and key order included). */
function describeFrames(frames: HubFrame[]): string {
  return JSON.stringify(
    frames.map((f) => ({
      ...f,
      data: 'data' in f ? Buffer.from(f.data).toString('hex') : undefined,
      headers: 'headers' in f && f.headers ? [Object.getPrototypeOf(f.headers), Object.entries(f.headers)] : undefined,
    })),
  );
}
