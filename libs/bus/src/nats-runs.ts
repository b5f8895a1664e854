/**
 * Runs: consecutive publishes of one event-loop turn to the same subject,
 * without headers, carried by NatsBus as one NATS message. A device that
 * streams to its topic, or a burst read from one socket, becomes one NATS
 * PUB, one server hop and one MSG for the receiving client to parse, instead
 * of one each (those were over half of a gateway's CPU in split mode,
 * docs/benchmarks.md). Only consecutive publishes join a run, so the order of
 * everything on the connection is exactly the publish order, across subjects
 * too; each part is handed to the subscribers as a message of its own.
 *
 * On the wire the run is marked by the `RUN_HEADER` NATS header (its value is
 * the number of parts) and its payload is the parts, each a u32 length and
 * its bytes. The header is NatsBus's own: a handler never sees it.
 */
export const RUN_HEADER = 'Mqp-Run';

/** Bytes a part adds to a run besides its own: its length. */
export const RUN_PART_OVERHEAD = 4;

/** At most this many parts in one run: a bound on what one NATS message holds, whatever max_payload allows. */
export const RUN_MAX_PARTS = 1024;

/** What a part of a run is made from: bytes, or a payload that writes itself in place (LazyPayload.encodeInto). */
export type RunPayload = Uint8Array | { encodeInto(out: Buffer, at: number): number };

/** A run ready to send: `parts` publishes to `subject`; one part is sent as its bare payload, without the run framing. */
export interface ClosedRun {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly parts: number;
}

/** The size of a fresh chunk: many small runs share one allocation. */
const CHUNK_SIZE = 64 * 1024;

/**
 * Writes runs as their publishes come: each part goes straight into a
 * shared chunk (its length, then its payload, written in place), so a
 * publish leaves nothing behind but its bytes until the turn ends. Per
 * publish, a buffer of its own and an object queued until the end of the
 * turn cost the publishing gateway more than the encoding itself: the
 * objects survived to be copied by the young-generation GC
 * (docs/benchmarks.md). A closed run's bytes are never written again: new
 * runs go after them, or into a new chunk.
 */
export class RunWriter {
  private chunk: Buffer = Buffer.alloc(0);
  /** Bytes of `chunk` written so far (closed runs and the open one). */
  private used = 0;
  /** The open run: its subject, where it starts in `chunk`, its parts so far. */
  private subject: string | undefined;
  private start = 0;
  private parts = 0;

  /** Whether a part of `length` bytes to `subject` may join the open run and keep it within `maxBytes`. */
  extends(subject: string, length: number, maxBytes: number): boolean {
    return subject === this.subject && this.parts < RUN_MAX_PARTS && this.used - this.start + RUN_PART_OVERHEAD + length <= maxBytes;
  }

  /** Opens a run to `subject`; the open one must have been closed. */
  begin(subject: string): void {
    if (this.subject !== undefined) throw new Error('a run is open already: close it first');
    this.subject = subject;
    this.start = this.used;
    this.parts = 0;
  }

  /** Adds a part of `length` bytes to the open run. A payload that writes another length is refused, and the run is left as it was. */
  write(payload: RunPayload, length: number): void {
    if (this.subject === undefined) throw new Error('no run is open');
    this.makeRoom(RUN_PART_OVERHEAD + length);
    const chunk = this.chunk;
    const at = chunk.writeUInt32BE(length, this.used);
    let end: number;
    if (payload instanceof Uint8Array) {
      chunk.set(payload, at);
      end = at + payload.length;
    } else {
      end = payload.encodeInto(chunk, at);
    }
    if (end !== at + length) throw new Error(`run part wrote ${end - at} bytes, not the ${length} it measured`);
    this.used = end;
    this.parts++;
  }

  /** Closes the open run, if any, and gives it back (nothing for a run that got no part). */
  close(): ClosedRun | undefined {
    const subject = this.subject;
    if (subject === undefined) return undefined;
    this.subject = undefined;
    const parts = this.parts;
    if (parts === 0) return undefined;
    // one part is sent as it is: a run of one would only add the header and the length
    const data = this.chunk.subarray(parts === 1 ? this.start + RUN_PART_OVERHEAD : this.start, this.used);
    return { subject, data, parts };
  }

  /** Room for `bytes` more after the open run: else a new chunk, where the open run's bytes are moved (closed runs stay where they are). */
  private makeRoom(bytes: number): void {
    if (this.used + bytes <= this.chunk.length) return;
    const open = this.chunk.subarray(this.start, this.used);
    const next = Buffer.allocUnsafe(Math.max(CHUNK_SIZE, 2 * (open.length + bytes)));
    next.set(open, 0);
    this.chunk = next;
    this.start = 0;
    this.used = open.length;
  }
}

/**
 * Calls `each` with every part of a run's payload, in order (Buffer views of
 * `payload`, not copies: decoders take a Buffer as it is). Throws on a payload
 * that is not a run, before handing any part: a truncated run is refused whole.
 */
export function unpackRun(payload: Uint8Array, each: (part: Buffer) => void): void {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 0;
  while (at < payload.length) {
    if (at + RUN_PART_OVERHEAD > payload.length) throw new Error('truncated run: a part length is cut off');
    const end = at + RUN_PART_OVERHEAD + view.getUint32(at);
    if (end > payload.length) throw new Error('truncated run: a part is longer than what is left');
    at = end;
  }
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  at = 0;
  while (at < bytes.length) {
    const start = at + RUN_PART_OVERHEAD;
    const end = start + view.getUint32(at);
    each(bytes.subarray(start, end));
    at = end;
  }
}
