/**
 * What a persistent session keeps on the split deployment while its parts
 * crash (issue 4): the subscribers are away, publishing goes on, and the
 * session service, the router and then nats-server are each killed with
 * SIGKILL and started again. Nothing a publisher got PUBACK/PUBCOMP for may
 * be lost.
 */
import { httpStatus, startSplit, until, type Deployment } from '@mqp/testing';
import { closeAllClients, connectWithInbox, type Inbox } from './support/mqtt-clients';
import { NumberedPublisher } from './support/numbered-publisher';

const PERSISTENT = { clean: false, protocolVersion: 5 as const, properties: { sessionExpiryInterval: 300 } };

/**
 * At most one message per publisher every 25 ms and 5 unacknowledged: the
 * four publishers send ~600 messages over the ~6 s of faults (a few dozen
 * each while a service restarts), few enough for the 2-core machine. Every
 * wait below has a deadline, so a stalled run ends by itself.
 */
const PACE_MS = 25;
const WINDOW = 5;
/** Acknowledged messages each publisher must get between two faults: publishing went on, not stalled. */
const ACKS_BETWEEN_FAULTS = 25;

/** What a subscriber got from its publishers, as the lines a failure should show. */
interface Verdict {
  /** Acknowledged messages that never arrived, as ranges with the phase they were sent in. */
  lost: string[];
  /** Messages delivered more than once at QoS 2. */
  duplicated: string[];
  /** A message arriving after a later one of the same publisher (a repeat of an earlier one is a duplicate, not this). */
  outOfOrder: string[];
  /** Messages delivered at another QoS than granted. */
  wrongQos: string[];
}

function verdict(qos: 1 | 2, publishers: NumberedPublisher[], inbox: Inbox): Verdict {
  const v: Verdict = { lost: [], duplicated: [], outOfOrder: [], wrongQos: [] };
  for (const p of publishers) {
    const received = inbox.messages.filter((m) => m.topic === p.topic);
    const seen = new Map<number, number>();
    let latest = -1;
    for (const m of received) {
      const n = Number(m.payload);
      seen.set(n, (seen.get(n) ?? 0) + 1);
      if (n > latest) latest = n;
      else if (seen.get(n) === 1) v.outOfOrder.push(`${p.topic} #${n} after #${latest}`);
      if (m.packet.qos !== qos) v.wrongQos.push(`${p.topic} #${n} at QoS ${m.packet.qos}`);
    }
    const lost = [...p.acked].filter((n) => !seen.has(n)).sort((a, b) => a - b);
    v.lost.push(...runs(lost, (n) => p.sentIn[n]).map(([from, to]) => `${p.topic} #${from}${to > from ? `-#${to}` : ''} (${to - from + 1}) sent ${p.sentIn[from]}`));
    if (qos === 2) v.duplicated.push(...[...seen].filter(([, times]) => times > 1).map(([n, times]) => `${p.topic} #${n} ×${times}`));
  }
  return v;
}

/** Consecutive numbers of one phase as [first, last] runs. */
function runs(sorted: number[], phaseOf: (n: number) => string | undefined): [number, number][] {
  const found: [number, number][] = [];
  for (const n of sorted) {
    const last = found[found.length - 1];
    if (last && n === last[1] + 1 && phaseOf(n) === phaseOf(last[0])) last[1] = n;
    else found.push([n, n]);
  }
  return found;
}

describe('split deployment: persistent sessions while the session service, the router and nats-server are killed and restarted', () => {
  let deployment: Deployment;
  let publishers: NumberedPublisher[] = [];

  beforeAll(async () => {
    // Above what the run publishes: dropping the oldest beyond the queue
    // limit is another behaviour, and must not count as a loss here.
    deployment = await startSplit({ config: { session: { maxQueuedMessages: 10_000 } } });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await closeAllClients();
    await deployment?.stop();
  });

  it('a QoS 1 and a QoS 2 subscriber, back on the other gateway, get every acknowledged message: QoS 2 exactly once, in order per publisher, session present [MQTT-3.2.2-3] [MQTT-4.3.3-10] [MQTT-4.6.0-6]', async () => {
    const [gw1, gw2] = deployment.mqttPorts as [number, number];
    for (const qos of [1, 2] as const) {
      const sub = await connectWithInbox(gw1, { clientId: `dur-sub-q${qos}`, ...PERSISTENT });
      await sub.client.subscribeAsync(`dur/q${qos}/#`, { qos });
      await sub.client.endAsync();
    }

    // What the test is doing, recorded with each message sent and with its
    // start time, so a loss reads as "sent while the session service restarted".
    let phase = 'before the faults';
    const startedAt = Date.now();
    const timeline = ['0 ms: before the faults'];
    const enter = (next: string): void => {
      phase = next;
      timeline.push(`${Date.now() - startedAt} ms: ${next} (sent so far ${publishers.map((p) => p.sent).join('/')})`);
    };

    // Two publishers per subscriber, one on each gateway. They reconnect and
    // resend what was not acknowledged; a persistent session keeps a resent
    // QoS 2 message the same flow, so exactly once is the broker's to keep.
    publishers = await Promise.all(
      ([1, 2] as const).flatMap((qos) =>
        [
          { name: 'a', port: gw1 },
          { name: 'b', port: gw2 },
        ].map(({ name, port }) =>
          NumberedPublisher.start(port, {
            topic: `dur/q${qos}/${name}`,
            qos,
            window: WINDOW,
            paceMs: PACE_MS,
            phase: () => phase,
            client: { clientId: `dur-pub-q${qos}-${name}`, reconnectPeriod: 200, ...PERSISTENT },
          }),
        ),
      ),
    );
    const publishingGoesOn = (): Promise<unknown> => Promise.all(publishers.map((p) => p.acknowledgeMore(ACKS_BETWEEN_FAULTS, 20_000, phase)));
    await publishingGoesOn();

    enter('while the session service restarted');
    await deployment.restart('session');
    enter('after the session service restart');
    await publishingGoesOn();

    enter('while the router restarted');
    await deployment.restart('router');
    enter('after the router restart');
    await publishingGoesOn();

    enter('while nats-server was down');
    await deployment.nats!.kill();
    // down until both gateways noticed (their readiness includes the bus) and every publisher sent into the outage, not for a fixed time
    for (const gateway of ['gateway-1', 'gateway-2']) {
      const port = deployment.processes.get(gateway)!.httpPort;
      await until(`${gateway} /ready is 503 while NATS is down`, async () => (await httpStatus(port, '/ready')) === 503, 10_000);
    }
    await until('every publisher sent a message while NATS is down', () => publishers.every((p) => p.sentIn.at(-1) === phase), 5_000);
    await deployment.nats!.start();
    enter('after the nats-server restart');
    await publishingGoesOn();

    // the last acknowledgements may still be on their way; the rest are not acknowledged and so not promised
    enter('publishers stopped');
    await Promise.all(publishers.map((p) => p.stop(5_000)));

    // back on the other gateway, clean start 0
    const verdicts: Record<string, Verdict> = {};
    await Promise.all(
      ([1, 2] as const).map(async (qos) => {
        const back = await connectWithInbox(gw2, { clientId: `dur-sub-q${qos}`, ...PERSISTENT });
        expect(back.connack.sessionPresent).toBe(true);
        const own = publishers.filter((p) => p.topic.startsWith(`dur/q${qos}/`));
        const missing = (): number => {
          const arrived = new Set(back.inbox.messages.map((m) => `${m.topic} ${m.payload}`));
          return own.reduce((sum, p) => sum + [...p.acked].filter((n) => !arrived.has(`${p.topic} ${n}`)).length, 0);
        };
        // every acknowledged message, or (after the deadline) the report of what did not come
        await until(`every acknowledged message at dur-sub-q${qos}`, () => missing() === 0, 10_000).catch(() => undefined);
        // a duplicate may trail the last expected message
        await new Promise((r) => setTimeout(r, 500));
        verdicts[`QoS ${qos}`] = verdict(qos, own, back.inbox);
      }),
    );

    const clean: Verdict = { lost: [], duplicated: [], outOfOrder: [], wrongQos: [] };
    const expected = { 'QoS 1': clean, 'QoS 2': clean };
    if (JSON.stringify(verdicts) !== JSON.stringify(expected)) {
      // what the publishers saw and when each phase began, to read the verdict against
      const seen = publishers.map((p) => `${p.topic}: sent ${p.sent}, acknowledged ${p.acked.size}, reconnects ${p.reconnects}, errors: ${p.describeErrors()}`);
      console.error([...seen, ...timeline].join('\n'));
    }
    expect(verdicts).toEqual(expected);
  }, 90_000);
});
