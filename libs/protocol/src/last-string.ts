/**
 * The last string read from one field of a stream of packets, with a copy of
 * its bytes: when the same bytes come again (a device publishing to its
 * topic, the parts of a run on the bus), the same string is handed back
 * without decoding, and the maps keyed by it find its hash already computed.
 * A copy, because the packets are views of socket reads that must not be
 * kept alive for a field.
 */
export class LastString {
  private bytes: Uint8Array | undefined;
  private value = '';

  /** `decode` reads the string of a field not seen last time, or says undefined when it must be refused. */
  constructor(private readonly decode: (bytes: Buffer, start: number, end: number) => string | undefined) {}

  /** The string in `bytes[start, end)`, or undefined when `decode` refused it. */
  read(bytes: Buffer, start: number, end: number): string | undefined {
    const last = this.bytes;
    const length = end - start;
    if (last !== undefined && last.length === length) {
      let i = 0;
      while (i < length && bytes[start + i] === last[i]) i++;
      if (i === length) return this.value;
    }
    const value = this.decode(bytes, start, end);
    if (value === undefined) return undefined;
    this.bytes = new Uint8Array(bytes.subarray(start, end));
    this.value = value;
    return value;
  }
}
