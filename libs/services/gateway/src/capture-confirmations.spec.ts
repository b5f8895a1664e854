import { InProcessBus } from '@mqp/bus';
import {
  decodeCaptureRequest,
  decodeMessage,
  encodeCaptureInterest,
  encodeCaptureReply,
  encodeMessage,
  stampedAnnouncement,
  subjects,
  type CaptureInterest,
} from '@mqp/contracts';
import type { Message } from '@mqp/model';
import { silentLogger } from '@mqp/runtime';
import { CaptureConfirmations } from './capture-confirmations';

/**
 * Confirmed capture, the gateway's side (docs/architecture.md "Confirmed
 * capture"): a QoS 1/2 message for an offline session is acknowledged only
 * once the session service stored it [MQTT-4.3.2-2] [MQTT-4.3.3-9]; while
 * the service is away the messages wait, in publish order.
 */
const INSTANCE = 'session-1';

function encoded(id: string, topic = 'a/x'): Uint8Array {
  const m: Message = { id, topic, payload: Buffer.from(id), qos: 1, retain: false, origin: { clientId: 'pub', gatewayId: 'gw-1' }, createdAt: 0 };
  return encodeMessage(m);
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

/** A session-service instance as the gateway sees it: announcements, and replies while `online`. */
class FakeInstance {
  online = true;
  life = 1;
  private seq = 0;
  /** Message ids of every request received, in arrival order, with the client ids they name. */
  readonly received: { id: string; clientIds: string[] }[] = [];

  constructor(private readonly bus: InProcessBus) {
    bus.subscribe(subjects.captureRequests(INSTANCE), (m) => {
      if (!this.online) return;
      const request = decodeCaptureRequest(m.data);
      for (const item of request.items) this.received.push({ id: decodeMessage(item.message).id, clientIds: item.clientIds });
      bus.publish(request.replyTo, encodeCaptureReply({ batch: request.batch }));
    });
  }

  announce(kind: CaptureInterest['kind'], set: CaptureInterest['set'], drop: string[] = [], seq = kind === 'tick' ? this.seq : ++this.seq): void {
    this.bus.publish(subjects.captureInterest, encodeCaptureInterest({ instance: INSTANCE, life: this.life, seq, kind, set, drop }));
  }

  /** Restarts: a new life, announced with everything it captures. */
  restart(set: CaptureInterest['set']): void {
    this.life++;
    this.seq = 0;
    this.online = true;
    this.announce('full', set);
  }
}

describe('CaptureConfirmations', () => {
  let bus: InProcessBus;
  let instance: FakeInstance;
  let captures: CaptureConfirmations;
  let syncRequests: number;

  /** What the publish pipeline does for a QoS 1/2 message: match, then confirm; undefined when no captured session matches. */
  function confirm(topic: string, id: string): Promise<void> | undefined {
    const match = captures.match(topic);
    return match && captures.confirm(match, encoded(id, topic));
  }

  beforeEach(async () => {
    bus = new InProcessBus();
    instance = new FakeInstance(bus);
    syncRequests = 0;
    bus.subscribe(subjects.captureSync, () => syncRequests++);
    captures = new CaptureConfirmations(bus, 'gw-1', silentLogger, { replyTimeoutMs: 200, maxPending: 5, syncIntervalMs: 0 });
    captures.start();
    instance.announce('full', [{ clientId: 'c1', filters: ['a/#'] }]);
    await bus.flush();
  });

  afterEach(() => captures.stop());

  it('sends nothing for a topic no captured session subscribes to', () => {
    expect(confirm('b/x', 'm1')).toBeUndefined();
    expect(confirm('$SYS/x', 'm2')).toBeUndefined();
  });

  it('settles a matching message once the capturing instance replied that it stored it', async () => {
    let settled = false;
    const confirmed = confirm('a/x', 'm1')!.then(() => (settled = true));
    expect(settled).toBe(false);
    await confirmed;
    expect(instance.received).toEqual([{ id: 'm1', clientIds: ['c1'] }]);
  });

  it('while the instance is away the messages wait and are sent again; when it is back in a new life they go at once, in publish order', async () => {
    instance.online = false;
    const settled: string[] = [];
    const all = ['m1', 'm2', 'm3'].map((id) => confirm('a/x', id)!.then(() => settled.push(id)));
    await new Promise((r) => setTimeout(r, 300)); // past one reply timeout: sent again, still no answer
    expect(settled).toEqual([]);

    const backAt = Date.now();
    instance.restart([{ clientId: 'c1', filters: ['a/#'] }]);
    await Promise.all(all);
    // sent when the new life was heard, not after another reply timeout
    expect(Date.now() - backAt).toBeLessThan(150);
    expect(settled).toEqual(['m1', 'm2', 'm3']);
    expect(instance.received.map((r) => r.id)).toEqual(['m1', 'm2', 'm3']);
  });

  it('a session no longer captured (it resumed) releases what waited for it: its live subscription has the messages', async () => {
    instance.online = false;
    const waiting = confirm('a/x', 'm1')!;
    instance.announce('delta', [], ['c1']);
    await waiting;
    expect(instance.received).toEqual([]);
    expect(confirm('a/x', 'm2')).toBeUndefined();
  });

  it('a session taken over by another instance moves there, with what waited for it', async () => {
    instance.online = false;
    const waiting = confirm('a/x', 'm1')!;
    const other: string[] = [];
    bus.subscribe(subjects.captureRequests('session-2'), (m) => {
      const request = decodeCaptureRequest(m.data);
      other.push(...request.items.map((i) => decodeMessage(i.message).id));
      bus.publish(request.replyTo, encodeCaptureReply({ batch: request.batch }));
    });
    bus.publish(subjects.captureInterest, encodeCaptureInterest({ instance: 'session-2', life: 1, seq: 1, kind: 'full', set: [{ clientId: 'c1', filters: ['a/#'] }], drop: [] }));
    await waiting;
    expect(other).toEqual(['m1']);
  });

  it('asks for a full announcement when it sees a gap in the numbering', async () => {
    const before = syncRequests;
    instance.announce('delta', [{ clientId: 'c2', filters: ['b/#'] }], [], 5);
    await bus.flush();
    expect(syncRequests).toBe(before + 1);
  });

  it('refuses a message at once when too many wait, so the publisher gets no acknowledgement', async () => {
    instance.online = false;
    for (let i = 0; i < 5; i++) void confirm('a/x', `m${i}`);
    await expect(confirm('a/x', 'm5')).rejects.toThrow(/too many/);
  });

  it('stamps the bus copy with the last announcement it applied in order, so the instance takes the message from the request', async () => {
    expect(stampedAnnouncement(captures.match('a/x')!.stamp, INSTANCE)).toEqual({ life: 1, seq: 1 });
    instance.announce('delta', [{ clientId: 'c2', filters: ['a/x'] }]);
    await bus.flush();
    expect(stampedAnnouncement(captures.match('a/x')!.stamp, INSTANCE)).toEqual({ life: 1, seq: 2 });
    // after a gap the stamp stays at the last unbroken announcement: what came after it may be incomplete
    instance.announce('delta', [{ clientId: 'c3', filters: ['a/#'] }], [], 9);
    await bus.flush();
    expect(captures.match('a/x')!.clientIds).toEqual(new Set(['c1', 'c2', 'c3']));
    expect(stampedAnnouncement(captures.match('a/x')!.stamp, INSTANCE)).toEqual({ life: 1, seq: 2 });
  });

  it('withdraws a message whose publisher was not acknowledged after all: it is not sent again', async () => {
    instance.online = false;
    const message = encoded('m1');
    const waiting = captures.confirm(captures.match('a/x')!, message);
    captures.withdraw(message);
    await waiting;
    expect(captures.pendingCount).toBe(0);
    instance.restart([{ clientId: 'c1', filters: ['a/#'] }]);
    await new Promise((r) => setTimeout(r, 20));
    expect(instance.received).toEqual([]);
  });

  it('ignores malformed announcements and replies (the bus is shared)', async () => {
    bus.publish(subjects.captureInterest, Buffer.from('{"instance":1}'));
    bus.publish(subjects.captureReplies('gw-1'), Buffer.from('nope'));
    await bus.flush();
    await waitFor(() => true);
    await expect(confirm('a/x', 'm1')).resolves.toBeUndefined();
  });
});
