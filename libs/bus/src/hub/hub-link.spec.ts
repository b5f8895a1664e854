import type { Socket } from 'node:net';
import { silentLogger } from '@mqp/runtime';
import { FrameDecoder, FrameEncoder, SLAB_BYTES, type HubFrame } from './hub-frames';
import { BEHIND_WARN_BYTES, HubLink, type HubLinkOptions } from './hub-link';
import { recordingLogger, socketDir, socketPair } from './hub.test-harness';

describe('HubLink', () => {
  let dir: Awaited<ReturnType<typeof socketDir>>;
  let pair: Awaited<ReturnType<typeof socketPair>>;

  beforeEach(async () => {
    dir = await socketDir();
    pair = await socketPair(dir.path('link.sock'));
  });

  afterEach(async () => {
    pair.close();
    await dir.remove();
  });

  function link(socket: Socket, options: Partial<HubLinkOptions> = {}): HubLink {
    return new HubLink(socket, { logger: silentLogger, peer: 'test peer', onFrame: () => undefined, onClose: () => undefined, ...options });
  }

  /** Frames arriving at `socket`, decoded. */
  function received(socket: Socket): { frames: HubFrame[]; count(n: number): Promise<HubFrame[]> } {
    const frames: HubFrame[] = [];
    let waiter: { n: number; resolve: () => void } | undefined;
    const decoder = new FrameDecoder((f) => {
      frames.push(f);
      if (waiter && frames.length >= waiter.n) waiter.resolve();
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    return {
      frames,
      count: (n) => (frames.length >= n ? Promise.resolve(frames) : new Promise((resolve) => (waiter = { n, resolve: () => resolve(frames) }))),
    };
  }

  it('sends the frames of one event-loop turn in one socket write, at the end of the turn, in order', async () => {
    const near = link(pair.near);
    const far = received(pair.far);
    const write = jest.spyOn(pair.near, 'write');
    for (let i = 0; i < 100; i++) near.send({ type: 'ping', id: i });
    expect(write).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(1);
    const frames = await far.count(100);
    expect(frames).toEqual(Array.from({ length: 100 }, (_, id) => ({ type: 'ping', id })));
  });

  it('writes a batch as soon as it fills a 64 KiB slab, without waiting for the end of the turn', () => {
    const near = link(pair.near);
    const write = jest.spyOn(pair.near, 'write');
    near.send({ type: 'pub', subject: 'big', data: Buffer.alloc(SLAB_BYTES) });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('lets beforeSend add frames behind everything sent in the turn', async () => {
    let sent = false;
    const near: HubLink = link(pair.near, {
      beforeSend: () => {
        if (!sent) near.send({ type: 'settle', id: 9 });
        sent = true;
      },
    });
    const far = received(pair.far);
    near.send({ type: 'pub', subject: 'a', data: Buffer.from('x') });
    const frames = await far.count(2);
    expect(frames.map((f) => f.type)).toEqual(['pub', 'settle']);
  });

  it('warns when the peer stops reading and its frames pile up, and says when it caught up', async () => {
    const log = recordingLogger();
    const near = link(pair.near, { logger: log.logger });
    pair.far.pause();
    const frame: HubFrame = { type: 'pub', subject: 'flood', data: Buffer.alloc(1024 * 1024) };
    for (let i = 0; i * 1024 * 1024 < 2 * BEHIND_WARN_BYTES; i++) near.send(frame);
    expect(await log.line(/WARN .*bus hub peer is not keeping up.*peer="test peer".*queuedBytes=/)).toBeDefined();
    // warnings double their threshold: a flood logs a handful of lines, not one per batch
    expect(log.lines.filter((l) => l.includes('not keeping up')).length).toBeLessThanOrEqual(2);
    pair.far.resume();
    await log.line(/INFO .*bus hub peer caught up.*peer="test peer"/);
  });

  it('closes the connection on a frame it cannot decode, telling onClose why, and logs it', async () => {
    const log = recordingLogger();
    const closed = new Promise<Error | undefined>((resolve) => link(pair.near, { logger: log.logger, onClose: resolve }));
    pair.far.write(Buffer.from('0000000163', 'hex'));
    expect((await closed)?.message).toBe('unknown bus hub frame type 0x63');
    expect(log.lines.join('\n')).toMatch(/ERROR .*bus hub connection failed, closing it.*unknown bus hub frame type 0x63/);
  });

  it('closes the connection when a frame handler throws, instead of letting the throw escape', async () => {
    const closed = new Promise<Error | undefined>((resolve) =>
      link(pair.near, {
        onFrame: () => {
          throw new Error('handler bug');
        },
        onClose: resolve,
      }),
    );
    const encoder = new FrameEncoder();
    encoder.write({ type: 'ping', id: 1 });
    pair.far.write(encoder.take() as Buffer);
    expect((await closed)?.message).toBe('handler bug');
  });

  it('end() sends what is batched before closing, then ignores frames that still arrive', async () => {
    const seen: HubFrame[] = [];
    const near = link(pair.near, { onFrame: (f) => seen.push(f) });
    const far = received(pair.far);
    near.send({ type: 'pong', id: 1 });
    const ended = near.end();
    const encoder = new FrameEncoder();
    encoder.write({ type: 'ping', id: 2 });
    pair.far.end(encoder.take() as Buffer);
    await ended;
    expect(far.frames).toEqual([{ type: 'pong', id: 1 }]);
    expect(seen).toEqual([]);
    expect(near.isOpen).toBe(false);
  });
});
