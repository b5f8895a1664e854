import { InvalidArgumentError } from '@mqp/model';
import type { BusHeaders } from '../bus.port';

/**
 * The frames BusHub and HubClientBus exchange over a local stream socket.
 *
 *   frame    = size:u32 type:u8 body      size counts type and body; integers big-endian
 *   string   = length:u32 UTF-8 bytes
 *   headers  = count:u32 (name:string value:string){count}
 *
 *   HELLO    0x01  name:string
 *   SUB      0x02  sid:u32 flags:u8 subject:string [queue:string]      flags bit 0: queue present
 *   UNSUB    0x03  sid:u32
 *   PUB      0x04  flags:u8 subject:string [headers] data              flags bit 0: headers present
 *   MSG      0x05  sid:u32 flags:u8 subject:string [headers] data      data runs to the end of the frame
 *   PING     0x06  id:u32          answered by PONG with the same id
 *   PONG     0x07  id:u32
 *   SETTLE   0x08  id:u32          answered by SETTLED with the same id
 *   SETTLED  0x09  id:u32 flags:u8 [error:string]                      flags bit 0: error present
 *
 * Both ends are the same build (workers are forks of the main process), so
 * the format carries no version. Headers keep the InProcessBus distinction:
 * absent stays absent and an empty record stays an empty record.
 */
export type HubFrame =
  | { type: 'hello'; name: string }
  | { type: 'sub'; sid: number; subject: string; queue?: string }
  | { type: 'unsub'; sid: number }
  | { type: 'pub'; subject: string; headers?: BusHeaders; data: Uint8Array }
  | { type: 'msg'; sid: number; subject: string; headers?: BusHeaders; data: Uint8Array }
  | { type: 'ping'; id: number }
  | { type: 'pong'; id: number }
  | { type: 'settle'; id: number }
  | { type: 'settled'; id: number; error?: string };

/**
 * Largest frame (type and body) either end accepts: above the largest
 * message the platform carries, an MQTT packet of at most 268,435,455 bytes
 * [MQTT-2.2.3] in an envelope that adds ids and properties. It exists so
 * that a corrupt size field cannot make a reader buffer gigabytes.
 */
export const DEFAULT_MAX_FRAME_SIZE = 512 * 1024 * 1024;

const PREFIX_BYTES = 4;
const HAS_OPTIONAL = 1;

const TYPE_CODE = { hello: 1, sub: 2, unsub: 3, pub: 4, msg: 5, ping: 6, pong: 7, settle: 8, settled: 9 } as const;

/**
 * Output buffers are cut from 64 KiB slabs: frames are encoded where they
 * will be sent, and a batch handed to the socket is a view of the slab, so a
 * payload is copied exactly once (into the slab).
 */
export const SLAB_BYTES = 64 * 1024;

/**
 * Encodes frames into a pending batch that `take()` hands out. Encoding
 * copies everything it is given, so callers may reuse their buffers at once.
 */
export class FrameEncoder {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  /** The batch not yet taken is slab[start, end). */
  private start = 0;
  private end = 0;

  constructor(private readonly maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {}

  get pendingBytes(): number {
    return this.end - this.start;
  }

  /** Appends one frame; refuses one over the size limit with nothing written. */
  write(frame: HubFrame): void {
    const headerNames = 'headers' in frame && frame.headers !== undefined ? Object.keys(frame.headers) : undefined;
    const dataBytes = 'data' in frame ? frame.data.length : 0;
    if (dataBytes > this.maxFrameSize) throw this.tooLarge(dataBytes);
    this.ensure(PREFIX_BYTES + upperBound(frame, headerNames));
    const frameStart = this.end;
    this.end += PREFIX_BYTES;
    this.u8(TYPE_CODE[frame.type]);
    switch (frame.type) {
      case 'hello':
        this.string(frame.name);
        break;
      case 'sub':
        this.u32(frame.sid);
        this.u8(frame.queue === undefined ? 0 : HAS_OPTIONAL);
        this.string(frame.subject);
        if (frame.queue !== undefined) this.string(frame.queue);
        break;
      case 'unsub':
        this.u32(frame.sid);
        break;
      case 'ping':
      case 'pong':
      case 'settle':
        this.u32(frame.id);
        break;
      case 'msg':
        this.u32(frame.sid);
        this.message(frame, headerNames);
        break;
      case 'pub':
        this.message(frame, headerNames);
        break;
      case 'settled':
        this.u32(frame.id);
        this.u8(frame.error === undefined ? 0 : HAS_OPTIONAL);
        if (frame.error !== undefined) this.string(frame.error);
        break;
    }
    const size = this.end - frameStart - PREFIX_BYTES;
    if (size > this.maxFrameSize) {
      this.end = frameStart;
      throw this.tooLarge(size);
    }
    this.slab.writeUInt32BE(size, frameStart);
  }

  /** The batch encoded since the last call, as a view the encoder never writes to again; undefined when empty. */
  take(): Buffer | undefined {
    if (this.end === this.start) return undefined;
    const batch = this.slab.subarray(this.start, this.end);
    this.start = this.end;
    return batch;
  }

  /** What PUB and MSG share after MSG's sid. */
  private message(frame: { subject: string; headers?: BusHeaders; data: Uint8Array }, headerNames: string[] | undefined): void {
    this.u8(headerNames === undefined ? 0 : HAS_OPTIONAL);
    this.string(frame.subject);
    if (headerNames !== undefined) this.headers(frame.headers as BusHeaders, headerNames);
    this.slab.set(frame.data, this.end);
    this.end += frame.data.length;
  }

  private ensure(bytes: number): void {
    if (this.end + bytes <= this.slab.length) return;
    const pending = this.end - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, pending + bytes));
    this.slab.copy(next, 0, this.start, this.end);
    this.slab = next;
    this.start = 0;
    this.end = pending;
  }

  private u8(value: number): void {
    this.slab[this.end++] = value;
  }

  private u32(value: number): void {
    this.slab.writeUInt32BE(value, this.end);
    this.end += 4;
  }

  private string(value: string): void {
    const length = this.slab.write(value, this.end + 4);
    this.slab.writeUInt32BE(length, this.end);
    this.end += 4 + length;
  }

  private headers(headers: BusHeaders, names: string[]): void {
    this.u32(names.length);
    for (const name of names) {
      this.string(name);
      this.string(headers[name] as string);
    }
  }

  private tooLarge(bytes: number): InvalidArgumentError {
    return new InvalidArgumentError(`bus hub frame of ${bytes} bytes exceeds the limit of ${this.maxFrameSize}`);
  }
}

/** Bytes a frame may take after its size prefix; UTF-8 needs at most 3 bytes per UTF-16 unit. */
function upperBound(frame: HubFrame, headerNames: string[] | undefined): number {
  let bytes = 1 + 4 + 1;
  if ('subject' in frame) bytes += 4 + frame.subject.length * 3;
  if ('data' in frame) bytes += frame.data.length;
  if (frame.type === 'hello') bytes += 4 + frame.name.length * 3;
  if (frame.type === 'sub' && frame.queue !== undefined) bytes += 4 + frame.queue.length * 3;
  if (frame.type === 'settled' && frame.error !== undefined) bytes += 4 + frame.error.length * 3;
  if (headerNames !== undefined) {
    const headers = (frame as { headers: BusHeaders }).headers;
    bytes += 4;
    for (const name of headerNames) bytes += 8 + (name.length + (headers[name] as string).length) * 3;
  }
  return bytes;
}

/**
 * Turns a byte stream cut at arbitrary points into frames. A frame that lies
 * inside one chunk hands out its payload as a view of that chunk (Node gives
 * every 'data' event a fresh Buffer, so nothing overwrites it); one that
 * spans chunks is first copied into a buffer of its own.
 *
 * `push` throws InvalidArgumentError on a frame over the size limit (as soon
 * as its size prefix arrives, before any of its body is buffered), of an
 * unknown type, or whose fields overrun it. The stream is then out of step:
 * the caller closes the connection.
 */
export class FrameDecoder {
  /** The start of a frame that continues in the next chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The size of that frame once its prefix has arrived; -1 before. */
  private pendingSize = -1;
  private readonly reader = new FrameReader();

  constructor(
    private readonly onFrame: (frame: HubFrame) => void,
    private readonly maxFrameSize = DEFAULT_MAX_FRAME_SIZE,
  ) {}

  push(chunk: Buffer): void {
    let at = this.pendingBytes > 0 ? this.completePending(chunk) : 0;
    const end = chunk.length;
    while (end - at >= PREFIX_BYTES) {
      const frameEnd = at + PREFIX_BYTES + this.checkedSize(chunk.readUInt32BE(at));
      if (frameEnd > end) break;
      this.onFrame(this.reader.read(chunk, at + PREFIX_BYTES, frameEnd));
      at = frameEnd;
    }
    if (at < end) this.keep(chunk.subarray(at));
  }

  /** Adds `chunk` to the frame begun in earlier chunks; returns where the rest of `chunk` starts. */
  private completePending(chunk: Buffer): number {
    if (this.pendingSize < 0) {
      if (this.pendingBytes + chunk.length < PREFIX_BYTES) {
        this.keep(chunk);
        return chunk.length;
      }
      this.pendingSize = this.checkedSize(Buffer.concat([...this.pending, chunk], PREFIX_BYTES).readUInt32BE(0));
    }
    const frameBytes = PREFIX_BYTES + this.pendingSize;
    if (this.pendingBytes + chunk.length < frameBytes) {
      this.keep(chunk);
      return chunk.length;
    }
    const used = frameBytes - this.pendingBytes;
    const frame = Buffer.concat([...this.pending, chunk.subarray(0, used)], frameBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingSize = -1;
    this.onFrame(this.reader.read(frame, PREFIX_BYTES, frameBytes));
    return used;
  }

  private keep(part: Buffer): void {
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private checkedSize(size: number): number {
    if (size > this.maxFrameSize) {
      throw new InvalidArgumentError(`bus hub frame of ${size} bytes exceeds the limit of ${this.maxFrameSize}`);
    }
    if (size === 0) throw new InvalidArgumentError('malformed bus hub frame: no type');
    return size;
  }
}

/** Reads the fields of one frame, refusing any that would run past its end. */
class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  private end = 0;

  read(buf: Buffer, start: number, end: number): HubFrame {
    this.buf = buf;
    this.at = start;
    this.end = end;
    const code = this.u8();
    switch (code) {
      case TYPE_CODE.hello:
        return this.done({ type: 'hello', name: this.string() });
      case TYPE_CODE.sub: {
        const sid = this.u32();
        const flags = this.u8();
        const subject = this.string();
        return this.done({ type: 'sub', sid, subject, queue: flags & HAS_OPTIONAL ? this.string() : undefined });
      }
      case TYPE_CODE.unsub:
        return this.done({ type: 'unsub', sid: this.u32() });
      case TYPE_CODE.pub: {
        const flags = this.u8();
        const subject = this.string();
        const headers = flags & HAS_OPTIONAL ? this.headers() : undefined;
        return { type: 'pub', subject, headers, data: this.rest() };
      }
      case TYPE_CODE.msg: {
        const sid = this.u32();
        const flags = this.u8();
        const subject = this.string();
        const headers = flags & HAS_OPTIONAL ? this.headers() : undefined;
        return { type: 'msg', sid, subject, headers, data: this.rest() };
      }
      case TYPE_CODE.ping:
        return this.done({ type: 'ping', id: this.u32() });
      case TYPE_CODE.pong:
        return this.done({ type: 'pong', id: this.u32() });
      case TYPE_CODE.settle:
        return this.done({ type: 'settle', id: this.u32() });
      case TYPE_CODE.settled: {
        const id = this.u32();
        const flags = this.u8();
        return this.done({ type: 'settled', id, error: flags & HAS_OPTIONAL ? this.string() : undefined });
      }
      default:
        throw new InvalidArgumentError(`unknown bus hub frame type 0x${code.toString(16).padStart(2, '0')}`);
    }
  }

  /** Frames other than PUB and MSG have no payload: bytes left over mean the two ends disagree. */
  private done(frame: HubFrame): HubFrame {
    if (this.at !== this.end) throw this.malformed(`${this.end - this.at} bytes after a ${frame.type.toUpperCase()} frame`);
    return frame;
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.at++] as number;
  }

  private u32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  private string(): string {
    const length = this.u32();
    this.need(length);
    const value = this.buf.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** A record with no prototype, because header names come from the other process's callers. */
  private headers(): BusHeaders {
    const count = this.u32();
    const headers: BusHeaders = Object.create(null);
    for (let i = 0; i < count; i++) {
      const name = this.string();
      headers[name] = this.string();
    }
    return headers;
  }

  private rest(): Buffer {
    const data = this.buf.subarray(this.at, this.end);
    this.at = this.end;
    return data;
  }

  private need(bytes: number): void {
    if (this.end - this.at < bytes) throw this.malformed('a field runs past the end of its frame');
  }

  private malformed(what: string): InvalidArgumentError {
    return new InvalidArgumentError(`malformed bus hub frame: ${what}`);
  }
}
