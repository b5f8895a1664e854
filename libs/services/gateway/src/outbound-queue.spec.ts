import { OutboundQueue, type OutboundPublish } from './outbound-queue';

function publish(n: number): OutboundPublish {
  // a fake packet: 2 bytes of header, then the 2-byte packet id placeholder, then a marker byte
  return { bytes: Buffer.from([0x32, 0x03, 0x00, 0x01, n]), packetIdOffset: 2, messageId: `m${n}`, topic: 't', qos: 1 };
}

function setup(window = 2, maxQueued = 3, maxQueuedBytes = 1 << 20) {
  const sent: { id: number; marker: number }[] = [];
  const dropped: string[] = [];
  let writable = true;
  const queue = new OutboundQueue({
    window,
    maxQueued,
    maxQueuedBytes,
    writable: () => writable,
    send: (bytes) => sent.push({ id: bytes.readUInt16BE(2), marker: bytes[4] as number }),
    dropped: (p) => dropped.push(p.messageId),
  });
  return { queue, sent, dropped, setWritable: (w: boolean) => (writable = w) };
}

describe('OutboundQueue', () => {
  it('sends up to the inflight window and the rest after PUBACKs, in order', () => {
    const { queue, sent } = setup(2, 10);
    for (let i = 1; i <= 4; i++) queue.enqueue(publish(i));
    expect(sent.map((s) => s.marker)).toEqual([1, 2]);
    expect(queue.acknowledge(sent[0]!.id)).toBe(true);
    expect(sent.map((s) => s.marker)).toEqual([1, 2, 3]);
    queue.acknowledge(sent[1]!.id);
    expect(sent.map((s) => s.marker)).toEqual([1, 2, 3, 4]);
  });

  it('patches a distinct packet id into a copy, leaving the shared bytes untouched', () => {
    const { queue, sent } = setup(5, 10);
    const shared = publish(7);
    queue.enqueue(shared);
    queue.enqueue({ ...shared });
    expect(sent.map((s) => s.id)).toEqual([1, 2]);
    expect(shared.bytes.readUInt16BE(2)).toBe(1);
  });

  it('drops the oldest queued message beyond its bound and reports it', () => {
    const { queue, sent, dropped } = setup(1, 2);
    for (let i = 1; i <= 5; i++) queue.enqueue(publish(i));
    // 1 in flight, queue bound 2: 2 and 3 were dropped for 4 and 5
    expect(dropped).toEqual(['m2', 'm3']);
    expect(queue.queuedCount).toBe(2);
    queue.acknowledge(sent[0]!.id);
    expect(sent.map((s) => s.marker)).toEqual([1, 4]);
  });

  it('drops the oldest queued messages beyond its byte bound, so a stalled reader holds bounded memory (HOSTILE-INPUTS: 1000 + a byte cap)', () => {
    // every fake packet is 5 bytes: a 12-byte bound holds two queued packets
    const { queue, sent, dropped, setWritable } = setup(1, 1000, 12);
    setWritable(false);
    for (let i = 1; i <= 5; i++) queue.enqueue(publish(i));
    expect(dropped).toEqual(['m1', 'm2', 'm3']);
    expect([queue.queuedCount, queue.queuedByteCount]).toEqual([2, 10]);
    setWritable(true);
    queue.pump();
    // sending moves the head into flight: its bytes no longer count against the queue
    expect(sent.map((s) => s.marker)).toEqual([4]);
    expect(queue.queuedByteCount).toBe(5);
    queue.enqueue(publish(6));
    expect(dropped).toEqual(['m1', 'm2', 'm3']);
    expect(queue.takeAll().queued.map((p) => p.messageId)).toEqual(['m5', 'm6']);
    expect(queue.queuedByteCount).toBe(0);
  });

  it('holds messages while the socket is above its high-water mark and sends them when pumped', () => {
    const { queue, sent, setWritable } = setup(5, 10);
    setWritable(false);
    queue.enqueue(publish(1));
    expect(sent).toEqual([]);
    setWritable(true);
    queue.pump();
    expect(sent.map((s) => s.marker)).toEqual([1]);
  });

  it('never reuses a packet id still in flight, and wraps from 65535 to 1 skipping 0 [MQTT-2.2.1-3]', () => {
    const { queue, sent } = setup(2, 100_000);
    queue.enqueue(publish(0));
    const held = sent[0]!.id; // 1 stays in flight for the whole test
    for (let i = 0; i < 65_540; i++) {
      queue.enqueue(publish(1));
      queue.acknowledge(sent[sent.length - 1]!.id);
    }
    const ids = sent.slice(1).map((s) => s.id);
    expect(ids).not.toContain(held);
    expect(ids).not.toContain(0);
    expect(Math.max(...ids)).toBe(65_535);
  });

  it('does not acknowledge an unknown packet id', () => {
    const { queue } = setup();
    expect(queue.acknowledge(42)).toBe(false);
  });

  it('lowers the window to the client Receive Maximum but never raises it [MQTT-3.3.4-7]', () => {
    const { queue, sent } = setup(3, 10);
    queue.limitWindow(1);
    for (let i = 1; i <= 3; i++) queue.enqueue(publish(i));
    expect(sent).toHaveLength(1);
    const other = setup(2, 10);
    other.queue.limitWindow(100);
    for (let i = 1; i <= 3; i++) other.queue.enqueue(publish(i));
    expect(other.sent).toHaveLength(2);
  });
});
