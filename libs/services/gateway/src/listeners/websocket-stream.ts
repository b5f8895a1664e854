import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { TransportSocket } from './transport';

/**
 * A WebSocket as the byte stream a `Connection` reads and writes: the payload
 * of each binary message is pushed as it comes (one message may hold several
 * MQTT packets or part of one [MQTT-6.0.0-2]; the PacketReader frames them),
 * and each write is sent as one binary message [MQTT-6.0.0-1].
 *
 * Written by hand rather than with `ws.createWebSocketStream` because that
 * one accepts text frames and does not emit 'close' when the peer goes away
 * (it never auto-destroys), which is what ends a Connection.
 */
export class WebSocketStream extends Duplex implements TransportSocket {
  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string | undefined,
  ) {
    // allowHalfOpen false: the end of the client's side ends ours too, as a TCP socket does for MQTT
    super({ allowHalfOpen: false });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.destroyed) return;
      if (!isBinary) {
        // [MQTT-6.0.0-1] a data frame that is not binary closes the network connection
        this.destroy(new Error('WebSocket text frame: MQTT needs binary frames'));
        return;
      }
      // back-pressure: stop reading the WebSocket while the Connection is paused
      if (!this.push(data)) ws.pause();
    });
    ws.on('close', () => {
      if (this.destroyed) return;
      this.push(null);
      this.destroy();
    });
    ws.on('error', (err) => this.destroy(err));
  }

  /** ws sets TCP_NODELAY on the socket it upgrades already. */
  setNoDelay(): this {
    return this;
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // the callback runs once ws handed the frame to the socket, so writableLength counts what waits behind it
    this.ws.send(chunk, { binary: true }, callback);
  }

  /** A corked batch of MQTT packets goes out as one binary frame (MQTT over WebSocket allows any split [MQTT-6.0.0-2]). */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.ws.send(Buffer.concat(chunks.map((c) => c.chunk)), { binary: true }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // a normal close (1000) after everything written was flushed; 'close' follows the peer's answer
    this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate();
    callback(error);
  }
}
