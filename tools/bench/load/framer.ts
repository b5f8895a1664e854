/**
 * A minimal MQTT 3.1.1 frame reader for the load generator: it only needs the
 * fixed header, and for PUBLISH the payload bounds and packet id. It keeps no
 * per-packet objects: handlers get the buffer and offsets (thousands of
 * connections, hundreds of thousands of packets a second).
 */
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const SUBACK = 9;

export interface FrameHandler {
  /** `payloadStart..end` is the payload inside `buf` (valid only during the call). */
  onPublish(buf: Buffer, payloadStart: number, end: number, qos: number, packetId: number): void;
  onPuback(packetId: number): void;
  onConnack(returnCode: number): void;
  onSuback(packetId: number, grantedQos: number): void;
  onError(message: string): void;
}

export class Framer {
  private rest: Buffer | undefined;

  constructor(private readonly handler: FrameHandler) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = undefined;
    }
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      // Fixed header: type/flags byte, then the remaining length (1..4 bytes, 7 bits each).
      if (len - pos < 2) break;
      let remaining = 0;
      let mul = 1;
      let i = pos + 1;
      let complete = false;
      for (; i < len && i < pos + 5; i++) {
        const b = buf[i]!;
        remaining += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete) {
        if (i >= pos + 5) return this.handler.onError('malformed remaining length');
        break;
      }
      const end = i + remaining;
      if (end > len) break;
      this.dispatch(buf, buf[pos]!, i, end);
      pos = end;
    }
    if (pos < len) this.rest = pos === 0 ? buf : buf.subarray(pos);
  }

  private dispatch(buf: Buffer, first: number, body: number, end: number): void {
    const type = first >> 4;
    switch (type) {
      case PUBLISH: {
        const qos = (first >> 1) & 3;
        const topicLen = buf.readUInt16BE(body);
        let p = body + 2 + topicLen;
        let packetId = 0;
        if (qos > 0) {
          packetId = buf.readUInt16BE(p);
          p += 2;
        }
        this.handler.onPublish(buf, p, end, qos, packetId);
        return;
      }
      case PUBACK:
        this.handler.onPuback(buf.readUInt16BE(body));
        return;
      case CONNACK:
        this.handler.onConnack(buf[body + 1] ?? 255);
        return;
      case SUBACK:
        this.handler.onSuback(buf.readUInt16BE(body), buf[body + 2] ?? 0x80);
        return;
      default:
        return; // PINGRESP and anything else: not needed by the scenarios.
    }
  }
}
