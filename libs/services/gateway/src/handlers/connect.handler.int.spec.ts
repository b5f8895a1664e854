import type { AuthenticateResult, OpenSessionResult } from '@mqp/contracts';
import { RawClient, startTestGateway, type TestGateway } from '../gateway.test-harness';

/**
 * The CONNECT steps run one after the other, awaiting only the steps that
 * answer with a promise (auth, session): a client gone while one of those is
 * in flight stops the flow there, as it did when every step was awaited.
 */
describe('CONNECT steps', () => {
  let tg: TestGateway;

  beforeEach(async () => {
    tg = await startTestGateway();
  });

  afterEach(async () => {
    await tg.stop();
  });

  /** Polls what has no event of its own, a bounded number of turns: a failure fails the test instead of hanging it. */
  async function until(check: () => boolean): Promise<void> {
    for (let turns = 0; turns < 10_000 && !check(); turns++) await new Promise((resolve) => setImmediate(resolve));
    expect(check()).toBe(true);
  }

  async function connectThenLeave(clientId: string, inFlight: Promise<void>): Promise<RawClient> {
    const r = await RawClient.open(tg.port, 4);
    r.send({ cmd: 'connect', protocolVersion: 4, protocolId: 'MQTT', clientId, clean: true, keepalive: 0 });
    await inFlight;
    r.destroy();
    await r.closed;
    // the gateway has seen the close
    await until(() => tg.handle.connectionCount() === 0);
    return r;
  }

  it('opens no session for a client that left while it was being authenticated', async () => {
    let allow!: (result: AuthenticateResult) => void;
    const asked = new Promise<void>((resolve) => {
      tg.auth.authenticateImpl = () => {
        resolve();
        return new Promise((answer) => (allow = answer));
      };
    });
    const r = await connectThenLeave('left-during-auth', asked);
    allow({ decision: 'allow', superuser: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(tg.session.opened).toEqual([]);
    expect(await r.next()).toBeUndefined();
    expect(tg.events.filter((e) => e.name === 'client.connected')).toEqual([]);
  });

  it('closes the session it opened for a client that left meanwhile, and goes no further: no CONNACK, no client.connected', async () => {
    let answer!: (result: OpenSessionResult) => void;
    const asked = new Promise<void>((resolve) => {
      tg.session.open = (req) => {
        tg.session.opened.push(req.clientId);
        resolve();
        return new Promise((open) => (answer = open));
      };
    });
    const r = await connectThenLeave('left-during-open', asked);
    answer({ sessionPresent: false });
    await until(() => tg.session.closed.length > 0);
    expect(tg.session.closed).toEqual(['left-during-open']);
    expect(await r.next()).toBeUndefined();
    expect(tg.events.filter((e) => e.name === 'client.connected')).toEqual([]);
  });
});
