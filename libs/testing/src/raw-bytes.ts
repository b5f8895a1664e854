/**
 * Byte builders for raw MQTT packets, the ones no client library would send
 * (malformed lengths, reserved flags, duplicated or misplaced properties,
 * ill-formed UTF-8): shared by the protocol specs, the gateway's raw-byte
 * integration specs and the e2e hostile suite.
 */

/** The Variable Byte Integer of MQTT 5.0 §1.5.5 (up to 4 bytes; the caller may build a 5th by hand). */
export function varInt(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

/** A whole packet: first byte, Remaining Length, body. */
export function frame(firstByte: number, body: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([firstByte]), varInt(body.length), body]);
}

/** A UTF-8 string (or raw bytes) with its two-byte length prefix (§1.5.4). */
export function str(s: string | Buffer): Buffer {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** A v5 properties block: its length, then the given property bytes as they are (duplicates allowed). */
export function props(...entries: Buffer[]): Buffer {
  const body = Buffer.concat(entries);
  return Buffer.concat([varInt(body.length), body]);
}

/** One property: identifier byte + value bytes. */
export function prop(id: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([id]), value]);
}
