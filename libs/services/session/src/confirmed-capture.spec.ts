import { InProcessBus } from '@mqp/bus';
import {
  CAPTURE_STAMP_HEADER,
  formatCaptureStamp,
  type CaptureStampEntry,
  decodeCaptureInterest,
  decodeCaptureReply,
  encodeCaptureRequest,
  encodeMessage,
  subjects,
  type CaptureInterest,
  type OpenSessionRequest,
} from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { silentLogger } from '@mqp/runtime';
import { MemoryLeaseStore, MemoryQueueStore, MemorySessionStore } from '@mqp/storage';
import { SessionService } from './session.service';

/**
 * Confirmed capture, the session service's side (docs/architecture.md
 * "Confirmed capture"): it announces the offline sessions it captures, and
 * answers a gateway's capture request only once the messages are in the store.
 */
const SUB = { filter: 'a/#', qos: 2 as QoS, noLocal: false, retainAsPublished: false };
const INSTANCE = 'session-1';
const REPLIES = subjects.captureReplies('gw-2');

function message(id: string, qos: QoS = 1): Message {
  return { id, topic: 'a/x', payload: Buffer.from(id), qos, retain: false, origin: { clientId: 'pub', gatewayId: 'gw-2' }, createdAt: Date.now() };
}

function openRequest(): OpenSessionRequest {
  return { clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, cleanStart: false, sessionExpiryInterval: 60 };
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

describe('SessionService confirmed capture (split mode)', () => {
  let bus: InProcessBus;
  let sessions: MemorySessionStore;
  let queues: MemoryQueueStore;
  let leases: MemoryLeaseStore;
  let announced: CaptureInterest[];
  let replies: number[];
  const services: SessionService[] = [];

  beforeEach(() => {
    bus = new InProcessBus();
    sessions = new MemorySessionStore();
    queues = new MemoryQueueStore();
    leases = new MemoryLeaseStore();
    announced = [];
    replies = [];
    bus.subscribe(subjects.captureInterest, (m) => announced.push(decodeCaptureInterest(m.data)));
    bus.subscribe(REPLIES, (m) => replies.push(decodeCaptureReply(m.data).batch));
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
  });

  async function startService(): Promise<SessionService> {
    const s = new SessionService({ bus, store: sessions, queues, leases, instanceId: INSTANCE, confirmCaptures: true, logger: silentLogger });
    services.push(s);
    await s.start();
    return s;
  }

  async function wentOffline(s: SessionService): Promise<void> {
    await s.open(openRequest());
    await s.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [SUB] });
    await s.suspend({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [SUB] });
    await s.close({ clientId: 'c1', connectionId: 'conn-1' });
  }

  function request(batch: number, clientIds: string[], ...messages: Message[]): void {
    bus.publish(subjects.captureRequests(INSTANCE), encodeCaptureRequest({ replyTo: REPLIES, batch, items: messages.map((m) => ({ clientIds, message: encodeMessage(m) })) }));
  }

  it('announces a session going offline with its filters, and drops it when it resumes', async () => {
    const s = await startService();
    await waitFor(() => announced.some((a) => a.kind === 'full'));
    await wentOffline(s);
    await waitFor(() => announced.some((a) => a.set.some((c) => c.clientId === 'c1')));
    const set = announced.find((a) => a.set.some((c) => c.clientId === 'c1'))!;
    expect(set).toMatchObject({ instance: INSTANCE, kind: 'delta', set: [{ clientId: 'c1', filters: ['a/#'] }] });

    await s.open({ ...openRequest(), connectionId: 'conn-2' });
    await s.resume({ clientId: 'c1', connectionId: 'conn-2' });
    await waitFor(() => announced.some((a) => a.drop.includes('c1')));
    // one life, numbered without gaps: a gateway that sees a gap asks for a full announcement
    const seqs = announced.filter((a) => a.kind !== 'tick').map((a) => a.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });

  it('replies to a capture request only once its messages are in the offline queue, in request order', async () => {
    const s = await startService();
    await wentOffline(s);
    request(7, ['c1'], message('m1'), message('m2', 2));
    await waitFor(() => replies.includes(7));
    const queued = await queues.list('c1');
    expect(queued.map((e) => [e.message.id, e.qos])).toEqual([
      ['m1', 1],
      ['m2', 2],
    ]);
    // the same messages again (a reply that came too late, so the gateway asked again): stored once [MQTT-4.3.3-3]
    request(8, ['c1'], message('m1'), message('m2', 2));
    await waitFor(() => replies.includes(8));
    expect(await queues.list('c1')).toHaveLength(2);
  });

  it('takes a message from the request, not its bus copy, when the gateway had heard of the session (stamp at or past its announcement)', async () => {
    const s = await startService();
    await wentOffline(s);
    await waitFor(() => announced.some((a) => a.set.some((c) => c.clientId === 'c1')));
    const { life, seq } = announced.find((a) => a.set.some((c) => c.clientId === 'c1'))!;
    const onBus = (m: Message, stamp: CaptureStampEntry | undefined): void =>
      bus.publish(subjects.message(m.topic), encodeMessage(m), stamp ? { [CAPTURE_STAMP_HEADER]: formatCaptureStamp([stamp]) } : {});

    onBus(message('informed'), { instance: INSTANCE, life, seq });
    onBus(message('before-announcement'), { instance: INSTANCE, life, seq: seq - 1 });
    onBus(message('other-life'), { instance: INSTANCE, life: life - 1, seq: seq + 5 });
    onBus(message('other-instance'), { instance: 'session-2', life, seq });
    onBus(message('unstamped'), undefined);
    await bus.settle();
    // the informed gateway's request brings its message in its own order: the bus copy would overtake what it resends
    expect((await queues.list('c1')).map((e) => e.message.id)).toEqual(['before-announcement', 'other-life', 'other-instance', 'unstamped']);
  });

  it('confirms a request naming a session it does not capture without storing anything (it resumed meanwhile)', async () => {
    await startService();
    request(3, ['someone-else'], message('m1'));
    await waitFor(() => replies.includes(3));
    expect(await queues.list('someone-else')).toHaveLength(0);
  });

  it('after a restart it announces the restored sessions and serves requests before its bus capture starts, so held messages go first', async () => {
    const first = await startService();
    await wentOffline(first);
    await first.stop();
    services.splice(0);
    announced = [];

    // a gateway publishes a newer message while the instance restarts, before it heard the new life: the bus copy
    // must not overtake the messages the gateway held, so it is sent in a request after them
    const subscribe = bus.subscribe.bind(bus);
    jest.spyOn(bus, 'subscribe').mockImplementation((subject, handler, options) => {
      const sub = subscribe(subject, handler, options);
      if (subject === subjects.captureRequests(INSTANCE)) bus.publish(subjects.message('a/x'), encodeMessage(message('newer')));
      return sub;
    });
    // once it hears the new life, the gateway sends what it held, then the newer one
    const heldByGateway = bus.subscribe(subjects.captureInterest, (m) => {
      const interest = decodeCaptureInterest(m.data);
      if (interest.kind !== 'full') return;
      request(1, ['c1'], message('held-1'), message('held-2'));
      request(2, ['c1'], message('newer'));
    });
    await startService();
    await waitFor(async () => (await queues.list('c1')).length === 3);
    heldByGateway.unsubscribe();
    expect(announced[0]).toMatchObject({ kind: 'full', set: [{ clientId: 'c1', filters: ['a/#'] }] });
    await waitFor(() => replies.includes(2));
    expect((await queues.list('c1')).map((e) => e.message.id)).toEqual(['held-1', 'held-2', 'newer']);
  });
});
