import type { ISubackPacket, IUnsubackPacket } from 'mqtt-packet';
import { RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

/** How long the fake session takes to answer: long enough that an early SUBACK/UNSUBACK would arrive first. */
const SESSION_DELAY_MS = 100;

describe('gateway stores a persistent session subscriptions before acknowledging them', () => {
  let tg: TestGateway;
  const raws: RawClient[] = [];

  beforeEach(async () => {
    tg = await startTestGateway();
  });

  afterEach(async () => {
    for (const r of raws.splice(0)) r.destroy();
    await tg.stop();
  });

  async function connect(clientId: string, expiry: number, protocolVersion: 4 | 5 = 5): Promise<RawClient> {
    const connect = protocolVersion === 5 ? { clientId, clean: false, properties: { sessionExpiryInterval: expiry } } : { clientId, clean: expiry === 0 };
    const raw = await RawClient.connected(tg.port, protocolVersion, connect);
    raws.push(raw);
    return raw;
  }

  function delayedAnswers(order: string[]): void {
    tg.session.subscribeImpl = async () => {
      await new Promise((r) => setTimeout(r, SESSION_DELAY_MS));
      order.push('subscribe stored');
    };
    tg.session.unsubscribeImpl = async () => {
      await new Promise((r) => setTimeout(r, SESSION_DELAY_MS));
      order.push('unsubscribe stored');
    };
  }

  it('sends the SUBACK only after the session stored the subscriptions, with their options and without shared ones', async () => {
    const order: string[] = [];
    delayedAnswers(order);
    const raw = await connect('durable', 600);
    raw.send({
      cmd: 'subscribe',
      messageId: 1,
      properties: { subscriptionIdentifier: 7 },
      subscriptions: [
        { topic: 'a/#', qos: 1, nl: true, rap: true, rh: 0 },
        { topic: '$share/g/b', qos: 1, nl: false, rap: false, rh: 0 },
      ],
    });
    const suback = (await raw.next()) as ISubackPacket;
    order.push('suback');
    expect(suback.granted).toEqual([1, 1]);
    expect(order).toEqual(['subscribe stored', 'suback']);
    expect(tg.session.subscribeCalls).toEqual([
      { clientId: 'durable', connectionId: expect.any(String), subscriptions: [{ filter: 'a/#', qos: 1, noLocal: true, retainAsPublished: true, subscriptionId: 7 }] },
    ]);
  });

  it('sends the UNSUBACK only after the session removed the filters (shared ones are not sent)', async () => {
    const raw = await connect('durable', 600);
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 1 }, { topic: '$share/g/b', qos: 1 }] });
    expect((await raw.next())?.cmd).toBe('suback');
    const order: string[] = [];
    delayedAnswers(order);
    raw.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a/#', '$share/g/b', 'never'] });
    const unsuback = (await raw.next()) as IUnsubackPacket;
    order.push('unsuback');
    expect(unsuback.granted).toEqual([0x00, 0x00, 0x11]);
    expect(order).toEqual(['unsubscribe stored', 'unsuback']);
    expect(tg.session.unsubscribeCalls).toEqual([{ clientId: 'durable', connectionId: expect.any(String), filters: ['a/#'] }]);
  });

  it('keeps the SUBACK success when storing fails: the subscription works live, only its durability failed', async () => {
    tg.session.subscribeImpl = async () => {
      throw new Error('store down');
    };
    const raw = await connect('durable', 600);
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 1 }] });
    expect(((await raw.next()) as ISubackPacket).granted).toEqual([1]);
    expect(tg.session.subscribeCalls).toHaveLength(1);
  });

  it('does not ask the session to store anything for a session that ends with the connection (expiry 0)', async () => {
    const v5 = await connect('short-5', 0);
    const v4 = await connect('short-4', 0, 4);
    for (const raw of [v5, v4]) {
      raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 1 }] });
      expect((await raw.next())?.cmd).toBe('suback');
      raw.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a/#'] });
      expect((await raw.next())?.cmd).toBe('unsuback');
    }
    expect(tg.session.subscribeCalls).toEqual([]);
    expect(tg.session.unsubscribeCalls).toEqual([]);
  });

  it('stores the subscriptions of a v3.1.1 persistent session (Clean Session 0)', async () => {
    const raw = await connect('durable-4', 600, 4);
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 2 }] });
    expect((await raw.next())?.cmd).toBe('suback');
    expect(tg.session.subscribeCalls.map((c) => c.subscriptions)).toEqual([[{ filter: 'a/#', qos: 2, noLocal: false, retainAsPublished: false }]]);
  });
});
