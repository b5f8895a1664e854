import type { Socket } from 'node:net';
import type { Logger } from '@mqp/runtime';
import { DEFAULT_MAX_FRAME_SIZE, FrameDecoder, FrameEncoder, SLAB_BYTES, type HubFrame } from './hub-frames';

export interface HubLinkOptions {
  logger: Logger;
  /** Who is at the other end, for logs; may be renamed later (see `peer`). */
  peer: string;
  maxFrameSize?: number;
  onFrame(frame: HubFrame): void;
  /** Called just before a batch is handed to the socket: the last chance to add frames to it. */
  beforeSend?(): void;
  /** Called once, when the socket has closed for whatever reason. */
  onClose(error: Error | undefined): void;
}

/**
 * One end of a hub connection: frames in, frames out, batched. Frames sent
 * during one event-loop turn go to the socket in one write at the end of the
 * turn (or as soon as a 64 KiB slab is full), because this is on the message
 * path: a write per message would cost a syscall per message.
 *
 * Back-pressure: nothing is dropped. What the peer has not read waits in
 * memory, and a warning says so when it passes BEHIND_WARN_BYTES (again at
 * each doubling, and once it has caught up). Neither end can slow the other
 * down without stalling every publisher on the bus, so showing it is all
 * this layer does.
 *
 * A frame that cannot be decoded, or an onFrame that throws, costs this
 * connection only: it is logged and the socket destroyed.
 */
export class HubLink {
  peer: string;
  private readonly logger: Logger;
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private scheduled = false;
  private sending = false;
  private ending = false;
  private closed = false;
  private warnAt = BEHIND_WARN_BYTES;
  private error: Error | undefined;
  private readonly closedPromise: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly options: HubLinkOptions,
  ) {
    this.peer = options.peer;
    this.logger = options.logger;
    const maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.encoder = new FrameEncoder(maxFrameSize);
    // Frames that arrive once this end is ending are not acted on: nothing could be answered.
    this.decoder = new FrameDecoder((frame) => this.isOpen && options.onFrame(frame), maxFrameSize);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('error', (err) => (this.error ??= err));
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.closed = true;
        resolve();
        options.onClose(this.error);
      });
    });
  }

  /** False once the link is ending or closed: frames sent then go nowhere. */
  get isOpen(): boolean {
    return !this.ending && !this.closed;
  }

  /** Encodes `frame` now (the caller may reuse its buffers); it goes out with this turn's batch. */
  send(frame: HubFrame): void {
    if (!this.isOpen) return;
    this.encoder.write(frame);
    if (this.encoder.pendingBytes >= SLAB_BYTES && !this.sending) this.sendBatch();
    else this.schedule();
  }

  /** Makes sure a batch goes out this turn even if nothing is sent (so that `beforeSend` runs). */
  schedule(): void {
    if (this.scheduled || !this.isOpen) return;
    this.scheduled = true;
    setImmediate(this.onImmediate);
  }

  /**
   * Sends what is batched, then closes the socket once the peer closes its
   * side; destroys it if that takes longer than END_TIMEOUT_MS (a peer that
   * stopped reading must not hold up shutdown).
   */
  end(): Promise<void> {
    if (this.isOpen) {
      this.sendBatch();
      this.ending = true;
      this.socket.end();
      const timer = setTimeout(() => this.socket.destroy(), END_TIMEOUT_MS);
      timer.unref();
      this.closedPromise.then(() => clearTimeout(timer));
    }
    return this.closedPromise;
  }

  destroy(error?: Error): Promise<void> {
    this.ending = true;
    if (error) this.error ??= error;
    this.socket.destroy();
    return this.closedPromise;
  }

  private readonly onImmediate = (): void => {
    this.scheduled = false;
    try {
      this.sendBatch();
    } catch (err) {
      // nothing above an immediate would catch it: it would take the process down
      this.logger.error('bus hub connection failed, closing it', { peer: this.peer, error: err });
      this.destroy(err as Error);
    }
  };

  private sendBatch(): void {
    if (!this.isOpen) return;
    this.sending = true;
    try {
      this.options.beforeSend?.();
    } finally {
      this.sending = false;
    }
    const batch = this.encoder.take();
    if (batch === undefined) return;
    this.socket.write(batch);
    const queued = this.socket.writableLength;
    if (queued >= this.warnAt) {
      this.logger.warn('bus hub peer is not keeping up: frames wait in memory', { peer: this.peer, queuedBytes: queued });
      this.warnAt = queued * 2;
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.closed) return;
    try {
      this.decoder.push(chunk);
    } catch (err) {
      this.logger.error('bus hub connection failed, closing it', { peer: this.peer, error: err });
      this.destroy(err as Error);
    }
  };

  private readonly onDrain = (): void => {
    if (this.warnAt === BEHIND_WARN_BYTES) return;
    this.warnAt = BEHIND_WARN_BYTES;
    this.logger.info('bus hub peer caught up', { peer: this.peer });
  };
}

/**
 * A judgment, not a measurement: at hundreds of thousands of small messages
 * a second, 8 MiB is some tens of milliseconds of traffic, which a healthy
 * peer on a local socket never leaves unread.
 */
export const BEHIND_WARN_BYTES = 8 * 1024 * 1024;

/** How long `end()` waits for the peer to close its side. */
const END_TIMEOUT_MS = 2_000;
