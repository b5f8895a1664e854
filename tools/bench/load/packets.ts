import { generate } from 'mqtt-packet';

/**
 * Pre-encoded packets: `generate` runs once per distinct packet; the hot
 * path only copies templates and patches the bytes that change (payload
 * stamp, packet id). Everything is MQTT 3.1.1 (all three brokers speak it).
 */
const V4 = { protocolVersion: 4 } as const;

/** `clean: false` asks for a persistent session (MQTT 3.1.1 Clean Session = 0). */
export function connectPacket(clientId: string, keepalive = 300, clean = true): Buffer {
  return generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean, clientId, keepalive }, V4);
}

export function subscribePacket(filter: string, qos: 0 | 1, messageId = 1): Buffer {
  return generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic: filter, qos }] }, V4);
}

export const DISCONNECT: Buffer = generate({ cmd: 'disconnect' }, V4);

/**
 * The payload every publish carries (little endian), so a subscriber can
 * account for latency, loss and duplicates without any shared state:
 * [0,8) send time (performance.now(), ms, double) · [8,12) sequence (1.., 0 = readiness probe) · [12,16) publisher id.
 */
export const STAMP_BYTES = 16;

/** A PUBLISH template for one publisher; `fill` writes `count` stamped copies into one buffer. */
export class PublishTemplate {
  readonly template: Buffer;
  readonly size: number;
  private readonly payloadAt: number;
  private readonly idAt: number;

  constructor(
    topic: string,
    readonly qos: 0 | 1,
    readonly publisherId: number,
    payloadSize: number,
  ) {
    if (payloadSize < STAMP_BYTES) throw new Error(`payload must be at least ${STAMP_BYTES} bytes`);
    const payload = Buffer.alloc(payloadSize, 0x2e);
    this.template = generate({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, messageId: qos ? 1 : undefined }, V4);
    this.size = this.template.length;
    this.payloadAt = this.size - payloadSize;
    this.idAt = this.payloadAt - 2;
    this.template.writeUInt32LE(publisherId, this.payloadAt + 12);
  }

  /**
   * `count` publishes with sequences `firstSeq..` (and, at QoS 1, packet ids
   * from `nextId`, which returns the id to use for each).
   */
  fill(count: number, firstSeq: number, sentAt: number, nextId?: () => number): Buffer {
    const size = this.size;
    const out = Buffer.allocUnsafe(count * size);
    for (let i = 0; i < count; i++) {
      const base = i * size;
      this.template.copy(out, base);
      out.writeDoubleLE(sentAt, base + this.payloadAt);
      out.writeUInt32LE(firstSeq + i, base + this.payloadAt + 8);
      if (this.qos && nextId) out.writeUInt16BE(nextId(), base + this.idAt);
    }
    return out;
  }
}

/** PUBACKs for the ids given, as one buffer (a subscriber acks a whole read at once). */
export function pubacks(ids: Uint16Array, count: number): Buffer {
  const out = Buffer.allocUnsafe(count * 4);
  for (let i = 0; i < count; i++) {
    out[i * 4] = 0x40;
    out[i * 4 + 1] = 2;
    out.writeUInt16BE(ids[i]!, i * 4 + 2);
  }
  return out;
}
