import { connect, createServer, type Server, type Socket } from 'node:net';
import { HandedListener } from './handed.listener';
import type { HandedSockets } from './tcp-source';
import type { AcceptedTransport } from './transport';

/** Sockets handed over by a test, as the main process hands accepted ones to a gateway worker. */
class FakeHand implements HandedSockets {
  readonly port = 1883;
  stopped = false;
  private accept: ((socket: Socket) => void) | undefined;
  onSocket(accept: (socket: Socket) => void): void {
    this.accept = accept;
  }
  stop(): void {
    this.stopped = true;
  }
  give(socket: Socket): void {
    this.accept!(socket);
  }
}

describe('HandedListener (a gateway worker serving sockets accepted by the main process)', () => {
  let server: Server;
  const serverSides: Socket[] = [];
  const clientSides: Socket[] = [];

  beforeAll(async () => {
    // paused like the main process's listener with pauseOnConnect
    server = createServer({ pauseOnConnect: true }, (s) => serverSides.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const s of [...serverSides, ...clientSides]) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A connected pair: the paused server side, as it would be handed over, and the client side. */
  async function pair(): Promise<{ handed: Socket; client: Socket }> {
    const before = serverSides.length;
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    clientSides.push(client);
    while (serverSides.length === before) await new Promise((r) => setTimeout(r, 5));
    return { handed: serverSides[serverSides.length - 1]!, client };
  }

  it('serves each handed socket as a plain-TCP connection, reading from it again, and reports the main process port', async () => {
    const hand = new FakeHand();
    const accepted: AcceptedTransport[] = [];
    const listener = new HandedListener(hand, (a) => accepted.push(a));
    expect(listener.port()).toBe(0);
    await listener.start();
    expect([listener.listening(), listener.port()]).toEqual([true, 1883]);

    const { handed, client } = await pair();
    const data = new Promise<Buffer>((resolve) => handed.once('data', resolve));
    hand.give(handed);
    client.write('CONNECT?');
    expect((await data).toString()).toBe('CONNECT?');
    expect(accepted).toEqual([{ transport: 'tcp', socket: handed }]);
    await listener.close();
  });

  it('stops taking sockets on stopAccepting, closing any still handed, and resolves once the ones it took have closed', async () => {
    const hand = new FakeHand();
    const listener = new HandedListener(hand, () => undefined);
    await listener.start();
    const taken = await pair();
    hand.give(taken.handed);

    let stopped = false;
    const stopping = listener.stopAccepting().then(() => (stopped = true));
    expect([hand.stopped, listener.listening(), listener.port()]).toEqual([true, false, 0]);

    const late = await pair();
    const lateClosed = new Promise<void>((resolve) => late.client.once('close', () => resolve()));
    hand.give(late.handed);
    await lateClosed;

    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    taken.handed.end();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('destroys the sockets it still holds on close', async () => {
    const hand = new FakeHand();
    const listener = new HandedListener(hand, () => undefined);
    await listener.start();
    const { handed, client } = await pair();
    hand.give(handed);
    const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await listener.close();
    await clientClosed;
    expect(handed.destroyed).toBe(true);
  });
});
