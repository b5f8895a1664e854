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

/** The payload of a run made of the `data` of `publishes[from, to)`. */
export function packRun(publishes: readonly { data: Uint8Array }[], from: number, to: number): Uint8Array {
  let size = 0;
  for (let i = from; i < to; i++) size += RUN_PART_OVERHEAD + (publishes[i] as { data: Uint8Array }).data.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = from; i < to; i++) {
    const part = (publishes[i] as { data: Uint8Array }).data;
    at = out.writeUInt32BE(part.length, at);
    out.set(part, at);
    at += part.length;
  }
  return out;
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
