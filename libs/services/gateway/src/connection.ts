import type { ClientCertificate, ConnectionAclRule } from '@mqp/contracts';
import { newId, type MessageOrigin, type ProtocolVersion, type QoS } from '@mqp/model';
import { encodeSimplePacket, PacketReader, ReasonCode, validateTopicName, type PacketSink, type ProtocolViolation } from '@mqp/protocol';
import { generate, type IAuthPacket, type IConnectPacket, type Packet } from 'mqtt-packet';
import { AuthorizationCache } from './authorization-cache';
import { LIMITS, type GatewayContext } from './gateway-context';
import type { TransportName, TransportSocket } from './listeners/transport';
import { OutboundQueue } from './outbound-queue';
import { reasonText, sendWithReasonString } from './reason-string';
import { TokenBucket } from './token-bucket';
import type { OutboundTopicAliases } from './topic-alias';

/** One subscription of one connection, as granted in its SUBACK. */
export interface ClientSubscription {
  filter: string;
  /** The granted QoS: what the client asked for, capped at the server's maximum (1). */
  qos: QoS;
  /** v5 No Local: do not send this client's own publications back [MQTT-3.8.3-3]. */
  noLocal: boolean;
  /** v5 Retain As Published: keep the RETAIN flag on live delivery [MQTT-3.3.1-12]. */
  retainAsPublished: boolean;
  /** v5 Subscription Identifier sent with the SUBSCRIBE, returned on every message it matches [MQTT-3.3.4-3]. */
  subscriptionId?: number;
  /** Set for `$share/{group}/{filter}` and `$queue/{filter}`: a separate kind, load-balanced by SharedSubscriptions. */
  share?: { group: string; filter: string };
  connection: Connection;
}

export type ConnectionState = 'awaiting-connect' | 'connecting' | 'connected' | 'closed';

export interface ConnectionHooks {
  /** A promise when the handling continues asynchronously; the next packet waits for it. */
  dispatch(connection: Connection, packet: Packet): Promise<void> | void;
  /** Called exactly once, after the socket closed for whatever reason. */
  closed(connection: Connection): void;
}

/** Where a socket keeps its Connection, for the listeners every connection shares. */
const CONNECTION = Symbol('mqp.connection');
type OwnedSocket = TransportSocket & { [CONNECTION]?: Connection };

function connectionOf(socket: TransportSocket): Connection {
  return (socket as OwnedSocket)[CONNECTION] as Connection;
}

/**
 * When the socket read being parsed arrived, while onData parses it (0
 * otherwise): the packets of one read share one clock reading, where a
 * Date.now() per packet was a few percent of a gateway's CPU.
 */
let chunkReadAt = 0;

/** How long a closing socket gets to flush its last packet before it is destroyed. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The largest packet MQTT can frame (a 5-byte fixed header and 268,435,455
 * bytes): the outgoing limit of a client that set none. A small integer, where
 * Infinity would be a boxed number in every connection (issue 6).
 */
const LARGEST_MQTT_PACKET = 268_435_460;

/**
 * One MQTT network connection: its socket, its packet reader, its state and
 * everything keyed to it (subscriptions, authorization cache, outgoing QoS 1
 * window). Packets are handled one at a time in arrival order, so handlers may
 * await service calls without racing each other.
 */
export class Connection implements PacketSink {
  readonly id = newId();
  readonly remoteAddress: string;
  state: ConnectionState = 'awaiting-connect';
  protocolVersion: ProtocolVersion = 4;
  clientId = '';
  username: string | undefined;
  keepAlive = 0;
  cleanStart = true;
  /** Stored from CONNECT; published on an unclean close (issue 3 adds will delay and session hand over). */
  will: IConnectPacket['will'] | undefined;
  /** Whether the client ended with a DISCONNECT (normal, not 0x04), which discards the will [MQTT-3.1.2-10]. */
  discardWill = false;
  /** Why it closed, for the client.disconnected event. */
  closeReason = 'unknown';
  /** Created on first use, like the other per-connection maps: most idle devices never subscribe (issue 6: memory per connection). */
  private subscriptionMap: Map<string, ClientSubscription> | undefined;
  get subscriptions(): Map<string, ClientSubscription> {
    return (this.subscriptionMap ??= new Map());
  }
  /** Whether it has any subscription, without creating the map. */
  get hasSubscriptions(): boolean {
    return this.subscriptionMap !== undefined && this.subscriptionMap.size > 0;
  }
  /** Publish authorization decisions; made by the first publish, since most idle devices never publish (issue 6). */
  get authorizations(): AuthorizationCache {
    return (this.authorizationCache ??= new AuthorizationCache(LIMITS.authorizationCacheSize));
  }
  private authorizationCache: AuthorizationCache | undefined;
  /** Forgets every decision (the rights changed), without making a cache for a connection that has none. */
  forgetAuthorizations(): void {
    this.authorizationCache = undefined;
  }
  /** The origin of its messages, made by its first publish: one object for all of them (see messageOrigin). */
  private origin: MessageOrigin | undefined;
  /** The last topic name its PUBLISH packets passed validateTopicName with (see isValidatedTopic). */
  private validatedTopic: string | undefined;

  /**
   * Who its messages come from. One object per connection, not one per
   * message: it never changes once connected (publishes are handled only
   * then), and the bus envelope encoder reuses the bytes of the last origin
   * it wrote.
   */
  messageOrigin(gatewayId: string): MessageOrigin {
    return (this.origin ??= { clientId: this.clientId, gatewayId });
  }

  /**
   * Whether `topic` is a valid topic name [MQTT-3.3.2-2] [MQTT-4.7.3-1],
   * remembering the last one that was: a device publishing to its topic again
   * is not checked again.
   */
  isValidatedTopic(topic: string): boolean {
    if (topic === this.validatedTopic) return true;
    if (validateTopicName(topic) !== undefined) return false;
    this.validatedTopic = topic;
    return true;
  }

  /** What authenticate decided, sent back with every authorize: the auth service keeps nothing per connection. */
  superuser = false;
  connectionAcl: ConnectionAclRule[] | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Created on first use, like the maps above: most idle devices never get a QoS 1 or 2 message. */
  get outbound(): OutboundQueue {
    return (this.outboundQueue ??= this.createOutbound());
  }
  private outboundQueue: OutboundQueue | undefined;
  /** Incoming QoS 1 and 2 PUBLISH parsed but not yet handled (checked against the advertised Receive Maximum). */
  unackedInbound = 0;
  /**
   * Incoming QoS 2 packet ids answered with PUBREC and awaiting PUBREL, with
   * when they arrived. A PUBLISH with one of these ids is a retransmission and
   * is not forwarded again [MQTT-4.3.3-10] (v3.1.1 [MQTT-4.3.3-2] method B is
   * not what we do: we forward on PUBLISH and remember the id). Bounded by
   * LIMITS.awaitingRelMax, entries expire after LIMITS.awaitingRelTimeoutMs.
   */
  get awaitingRel(): Map<number, number> {
    return (this.awaitingRelMap ??= new Map());
  }
  private awaitingRelMap: Map<number, number> | undefined;
  /** Whether SessionApi.open succeeded for this connection (so close must release it). */
  sessionOpened = false;
  /** Session Expiry Interval in force (after the server cap), seconds; > 0 = the session outlives the connection. */
  sessionExpiry = 0;
  /** A v5 DISCONNECT changed sessionExpiry (the session service is told on close). */
  sessionExpiryChanged = false;
  /**
   * A persistent session's connection closed and is handing over: it still
   * collects (without sending) messages for its subscriptions until the
   * session service's capture is live, so nothing falls in the gap.
   */
  suspending = false;
  /** v5 Maximum Packet Size of the client: larger PUBLISH packets are not sent to it [MQTT-3.1.2-24]. */
  maxOutgoingPacketSize = LARGEST_MQTT_PACKET;
  /** v5 inbound Topic Aliases of this connection (alias → topic), at most the Topic Alias Maximum we advertised. */
  get topicAliasesIn(): Map<number, string> {
    return (this.topicAliasesInMap ??= new Map());
  }
  private topicAliasesInMap: Map<number, string> | undefined;
  /** v5 aliases we send, when the client's CONNECT Topic Alias Maximum is above 0 [MQTT-3.3.2-10]. */
  topicAliasesOut: OutboundTopicAliases | undefined;
  /** v5 Request Problem Information; 0 means no Reason String / User Properties except on PUBLISH, CONNACK, DISCONNECT [MQTT-3.1.2-29]. */
  problemInformation = true;
  /** A TLS/WSS client certificate that verified against the listener's CA; passed to auth with CONNECT. */
  clientCertificate: ClientCertificate | undefined;
  /** v5 enhanced authentication: the CONNECT's Authentication Method; every AUTH must name the same [MQTT-4.12.0-5]. */
  authMethod: string | undefined;
  /** Set while an enhanced-authentication exchange waits for the client's next AUTH: handles it (handleAuth). */
  authContinuation: ((packet: IAuthPacket) => Promise<void>) | undefined;
  /** The listener that accepted the connection (its CONNECT rate is limited per listener). */
  transport: TransportName = 'tcp';
  /** PUBLISH packets this client may send per second (`gateway.maxMessageRate`); none when 0 (no limit). */
  private readonly messageRate: TokenBucket | undefined;
  /** The state the connection was in when it started closing (was it ever connected?). */
  stateBeforeClose: ConnectionState | undefined;

  /** The last acknowledgement waiting behind a bus settle (see acknowledgeInOrder); undefined when none waits. */
  private ackTail: Promise<void> | undefined;
  private readonly reader: PacketReader;
  /** Packets read while an earlier one was being handled; created when needed, dropped once empty. */
  private pending: Packet[] | undefined;
  private processing = false;
  private paused = false;
  private lastActivity = Date.now();
  /** Its deadline on ctx.deadlines (see DeadlineWheel): the CONNECT's until the CONNACK, then the keepalive's. */
  wheelSlot = -1;
  wheelIndex = 0;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: TransportSocket,
    private readonly ctx: GatewayContext,
    private readonly hooks: ConnectionHooks,
  ) {
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    if (ctx.config.maxMessageRate > 0) this.messageRate = new TokenBucket(ctx.config.maxMessageRate);
    this.reader = new PacketReader(this, { maxPacketSize: ctx.config.maxPacketSize });
    socket.setNoDelay(true);
    // The listeners are shared by every connection and find theirs on the socket: four closures and their
    // context per connection cost memory on every idle one (issue 6).
    (socket as OwnedSocket)[CONNECTION] = this;
    socket.on('data', Connection.onData);
    socket.on('drain', Connection.onDrain);
    socket.on('error', Connection.onError);
    socket.on('close', Connection.onClose);
    // HOSTILE-INPUTS: a socket that never sends CONNECT must not hold resources (HiveMQ: 10 s). On the wheel,
    // not a Node timer: a connect storm made and dropped one Timeout per connection (issue 6).
    ctx.deadlines.schedule(this, Date.now() + ctx.config.connectTimeoutMs);
  }

  private static onData(this: TransportSocket, chunk: Buffer): void {
    const conn = connectionOf(this);
    try {
      if (conn.state === 'closed') return;
      chunkReadAt = Date.now();
      conn.reader.push(chunk);
    } catch (err) {
      conn.fail('reader threw', err);
    } finally {
      chunkReadAt = 0;
    }
  }

  private static onDrain(this: TransportSocket): void {
    const conn = connectionOf(this);
    try {
      conn.outboundQueue?.pump();
    } catch (err) {
      conn.fail('drain handler threw', err);
    }
  }

  private static onError(this: TransportSocket, err: Error): void {
    const conn = connectionOf(this);
    conn.closeReason = conn.closeReason === 'unknown' ? 'socket_error' : conn.closeReason;
    conn.ctx.logger.debug('socket error', { connectionId: conn.id, error: err });
  }

  private static onClose(this: TransportSocket): void {
    connectionOf(this).onSocketClose();
  }

  private createOutbound(): OutboundQueue {
    const ctx = this.ctx;
    return new OutboundQueue({
      window: LIMITS.inflightWindow,
      maxQueued: ctx.queueLimits.maxMessages,
      maxQueuedBytes: ctx.queueLimits.maxBytes,
      writable: () => this.writable(),
      send: (bytes) => {
        this.writeBytes(bytes);
        ctx.metrics.delivered.inc();
      },
      sendPubrel: (messageId) => this.send({ cmd: 'pubrel', messageId }),
      dropped: () => ctx.metrics.dropped.inc(),
    });
  }

  /** True once CONNACK 0x00 has been sent: the client may now send other packets. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  /**
   * A resumed session is restored before its CONNACK (subscriptions live,
   * outbound queue held), so nothing published meanwhile is missed; the
   * connect flow clears this once the CONNACK is out and the queue released.
   */
  restoring = false;

  /** Whether fan-out should give it messages: connected, being restored, or collecting them for the session hand-over. */
  get acceptsMessages(): boolean {
    return this.state === 'connected' || (this.state === 'connecting' && this.restoring) || this.suspending;
  }

  /** A getter rather than a state comparison so that checks after an await are not narrowed away by TypeScript. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Whether a PUBLISH may be written now: after the CONNACK [MQTT-3.2.0-1], and below the socket's high-water mark. */
  writable(): boolean {
    return this.state === 'connected' && !this.socket.destroyed && this.socket.writableLength < LIMITS.socketHighWaterMark;
  }

  /**
   * Whether a QoS 0 message may be written now: not before the CONNACK
   * [MQTT-3.2.0-1], nor once the socket holds as much unwritten as a message
   * queue may (see LIMITS.socketHighWaterMark); otherwise it is dropped.
   */
  takesQos0(): boolean {
    const socket = this.socket;
    return this.state === 'connected' && !socket.destroyed && socket.writable && socket.writableLength < this.ctx.queueLimits.maxBytes;
  }

  /** Writes a QoS 0 message's `bytes` if it takesQos0, and says whether it did. */
  writeIfWritable(bytes: Buffer): boolean {
    if (!this.takesQos0()) return false;
    this.writeToSocket(bytes);
    return true;
  }

  send(packet: Packet): void {
    this.writeBytes(encodeSimplePacket(packet, this.protocolVersion) ?? generate(packet, { protocolVersion: this.protocolVersion }));
  }

  /**
   * Sends the acknowledgement of an incoming PUBLISH (`sendAck` writes it)
   * once `handedOver` resolves true (never on false: the connection is being
   * closed), and after every acknowledgement queued before it, so PUBACKs and
   * PUBRECs keep the order of their PUBLISHes [MQTT-4.6.0-2] [MQTT-4.6.0-3]
   * while the next packets are already being handled (a publisher's stream is
   * not held up by one commit per message).
   */
  acknowledgeInOrder(sendAck: () => void, handedOver?: Promise<boolean>): void {
    if (this.ackTail === undefined && handedOver === undefined) return sendAck();
    const previous = this.ackTail ?? Promise.resolve();
    const tail: Promise<void> = previous
      .then(async () => {
        if (handedOver === undefined || (await handedOver)) sendAck();
      })
      .catch((err: unknown) => this.ctx.logger.error('acknowledgement not sent', { clientId: this.clientId, error: err }))
      .finally(() => {
        // the last one out clears the chain; a later acknowledgement has made itself the tail
        if (this.ackTail === tail) this.ackTail = undefined;
      });
    this.ackTail = tail;
  }

  /**
   * Never awaited: a slow reader must not stall the caller (fan-out, other
   * clients). Writes made in one tick (a burst of deliveries from the bus, the
   * acks for every packet of one read) go out in one system call: the socket
   * is corked at the first and uncorked when the tick ends. One write per
   * packet was over half of the broker's CPU under load (docs/benchmarks.md).
   * Writing the first packet of a tick at once instead cost fan-out a third
   * of its rate (two system calls per subscriber and tick).
   */
  writeBytes(bytes: Buffer): void {
    if ((this.state === 'closed' && !this.finishing) || this.socket.destroyed || !this.socket.writable) return;
    this.writeToSocket(bytes);
  }

  private writeToSocket(bytes: Buffer): void {
    const socket = this.socket;
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(Connection.uncork, this);
    }
    socket.write(bytes);
  }

  /** Static, with the connection as argument: a bound closure per connection cost memory on every idle one. */
  private static uncork(this: void, conn: Connection): void {
    conn.socket.uncork();
  }

  /**
   * Ends the connection from the server side. For MQTT 5 clients that got a
   * CONNACK, sends DISCONNECT with `reasonCode` first (MQTT 5.0 §4.13); v3.1.1
   * has no server DISCONNECT, so the socket is just closed.
   */
  disconnect(reasonCode: number, reason: string, reasonString = reasonText(reason)): void {
    if (this.state === 'closed') return;
    this.closeReason = reason;
    // with a Reason String unless Request Problem Information 0 or the client's Maximum Packet Size forbid it [MQTT-3.14.2-3]
    const lastWords = this.protocolVersion === 5 && this.connected ? () => sendWithReasonString(this, { cmd: 'disconnect', reasonCode }, reasonString) : undefined;
    this.end(lastWords);
  }

  /**
   * Closes after flushing what was written (a CONNACK with an error, a
   * DISCONNECT written by `lastWords`). Acknowledgements still waiting for
   * the bus (PUBLISH packets handled before the close) go out first, in
   * order, for at most CLOSE_GRACE_MS: the client is not made to resend what
   * was already forwarded. No further packet is handled meanwhile.
   */
  end(lastWords?: () => void): void {
    if (this.state === 'closed') return;
    this.markClosing();
    this.finishing = true;
    const finish = (): void => {
      if (this.socket.destroyed) return;
      lastWords?.();
      this.finishing = false;
      this.socket.end();
      this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      this.closeTimer.unref();
    };
    const acks = this.ackTail;
    if (acks === undefined) return finish();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    void Promise.race([acks, grace]).then(finish);
  }

  /** Set while a closing connection writes its last acknowledgements and DISCONNECT (see end). */
  private finishing = false;

  /** Closes now, dropping anything unwritten: bytes from this client can no longer be trusted. */
  destroy(reason: string): void {
    if (this.state === 'closed' && !this.finishing) return;
    this.closeReason = reason;
    this.finishing = false;
    this.markClosing();
    this.socket.destroy();
  }

  /** CONNECT accepted: the CONNECT deadline ends (if still on), the keepalive clock starts. */
  accepted(keepAlive: number): void {
    if (this.state !== 'connecting') return;
    this.state = 'connected';
    this.ctx.deadlines.cancel(this);
    this.keepAlive = keepAlive;
    this.armKeepAlive();
  }

  /** When the last packet was read (milliseconds since the epoch): the keepalive's clock, and a PUBLISH's acceptance time. */
  get lastPacketAt(): number {
    return this.lastActivity;
  }

  /** PacketSink: its reader decoded the next packet. */
  packetRead(packet: Packet): void {
    if (this.state === 'closed') return;
    this.lastActivity = chunkReadAt || Date.now();
    // An enhanced-authentication CONNECT keeps the CONNECT timeout running until its CONNACK: a client that
    // starts an AUTH exchange and never finishes it is closed like one that never sent CONNECT.
    if (packet.cmd === 'connect' && this.state === 'awaiting-connect' && packet.properties?.authenticationMethod === undefined) {
      this.ctx.deadlines.cancel(this);
    }
    if (packet.cmd === 'publish' && this.messageRate !== undefined && !this.messageRate.take()) {
      // MQTT 5.0 §3.14.2.1 0x96 Message rate too high. EMQX's limiter pauses reading instead; we disconnect,
      // so a flooding client costs nothing more and is told why (v3.1.1 has no DISCONNECT from the server: closed).
      this.ctx.logger.warn('message rate exceeded: disconnecting', { clientId: this.clientId, remoteAddress: this.remoteAddress, maxMessageRate: this.ctx.config.maxMessageRate });
      this.disconnect(ReasonCode.MessageRateTooHigh, 'message_rate_exceeded');
      return;
    }
    if (packet.cmd === 'publish' && packet.qos > 0) {
      // a retransmitted QoS 2 PUBLISH whose id already awaits PUBREL is not a new flow
      const awaitingRel = this.awaitingRelMap;
      const retransmission = packet.qos === 2 && awaitingRel !== undefined && awaitingRel.has(packet.messageId ?? 0);
      this.unackedInbound++;
      // [MQTT-3.3.4-9] more QoS 1 and QoS 2 PUBLISH without PUBACK/PUBCOMP than our Receive Maximum is a protocol error (0x93)
      if (!retransmission && this.unackedInbound + (awaitingRel?.size ?? 0) > LIMITS.receiveMaximum && this.protocolVersion === 5) {
        this.disconnect(ReasonCode.ReceiveMaximumExceeded, 'receive_maximum_exceeded');
        return;
      }
    }
    if (!this.processing) {
      this.handle(packet);
      return;
    }
    const pending = (this.pending ??= []);
    pending.push(packet);
    if (pending.length >= LIMITS.pendingPackets && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /**
   * Handles `packet` now. A handler that finishes synchronously (a QoS 0
   * PUBLISH, a PINGREQ) costs no promise; one that continues asynchronously
   * makes the packets after it wait (process).
   */
  private handle(packet: Packet): void {
    let handling: Promise<void> | void;
    try {
      handling = this.hooks.dispatch(this, packet);
    } catch (err) {
      this.fail('handler threw', err);
      return;
    }
    if (handling !== undefined) void this.process(handling);
  }

  /** Waits for `handling`, then handles whatever arrived meanwhile, one at a time in order. */
  private async process(handling: Promise<void>): Promise<void> {
    this.processing = true;
    try {
      await handling;
      while (this.state !== 'closed') {
        const pending = this.pending;
        if (pending === undefined) break;
        if (this.paused && pending.length < LIMITS.pendingPackets / 2) {
          this.paused = false;
          this.socket.resume();
        }
        const next = pending.shift() as Packet;
        // an idle connection keeps no queue (issue 6: memory per connection)
        if (pending.length === 0) this.pending = undefined;
        const more = this.hooks.dispatch(this, next);
        if (more !== undefined) await more;
      }
    } catch (err) {
      this.fail('handler threw', err);
    } finally {
      this.processing = false;
    }
  }

  /** PacketSink: the bytes broke the protocol; the reader reads no further. */
  packetRefused(error: ProtocolViolation): void {
    if (this.state === 'closed') return;
    this.ctx.metrics.malformed.inc();
    this.ctx.logger.debug('bad packet', { connectionId: this.id, clientId: this.clientId, reason: error.reason, message: error.message });
    if (this.state === 'awaiting-connect' && error.reasonCode === ReasonCode.UnsupportedProtocolVersion) {
      // [MQTT-3.1.2-2] unsupported protocol level: CONNACK 0x01 (the v3.1.1 form; the client's version is unknown) then close
      this.writeBytes(Buffer.from([0x20, 0x02, 0x00, 0x01]));
      this.closeReason = 'unsupported_protocol_version';
      this.end();
      return;
    }
    if (this.state === 'awaiting-connect' && error.connectProtocolVersion === 5) {
      // [MQTT-3.1.4-1] a v5 CONNECT that is malformed (bad UTF-8 [MQTT-1.5.4-1], a misplaced property) is refused with
      // CONNACK 0x81/0x82 before the close (MQTT 5.0 §4.13.1). No Reason String: the client's limits were not read.
      this.protocolVersion = 5;
      this.send({ cmd: 'connack', sessionPresent: false, reasonCode: error.reasonCode });
      this.closeReason = error.reason;
      this.end();
      return;
    }
    // [MQTT-4.13.1-1] a malformed packet or protocol error closes the connection (v5: DISCONNECT with the reason first)
    this.disconnect(error.reasonCode, error.reason, error.message);
  }

  private fail(what: string, err: unknown): void {
    this.ctx.logger.warn(`connection closed: ${what}`, { connectionId: this.id, clientId: this.clientId, error: err });
    this.destroy('internal_error');
  }

  /**
   * [MQTT-3.1.2-24] (v3.1.1 numbering; v5 [MQTT-3.1.2-22]) a client silent for
   * one and a half keepalive periods is disconnected. The deadline moves only when it comes due, so
   * traffic costs a timestamp and not a timer reset per packet.
   */
  private armKeepAlive(): void {
    if (this.keepAlive <= 0 || this.state === 'closed') return;
    this.ctx.deadlines.schedule(this, this.lastActivity + this.keepAlive * 1500);
  }

  /**
   * Its deadline came. Before the CONNACK it was the CONNECT's: the client
   * took too long to connect. After, the keepalive's: disconnect a silent
   * client, or set the next deadline.
   */
  static deadlineReached(this: void, conn: Connection): void {
    try {
      if (conn.state === 'closed') return;
      if (conn.state !== 'connected') {
        conn.destroy('connect_timeout');
        return;
      }
      if (Date.now() - conn.lastActivity >= conn.keepAlive * 1500) {
        conn.disconnect(ReasonCode.KeepAliveTimeout, 'keepalive_timeout');
      } else {
        conn.armKeepAlive();
      }
    } catch (err) {
      conn.fail('keepalive check threw', err);
    }
  }

  private markClosing(): void {
    // stop handling packets at once; `closed` hook runs when the socket is really gone
    if (this.state !== 'closed') this.pending = undefined;
    this.stateBeforeClose ??= this.state;
    this.state = 'closed';
    this.ctx.deadlines.cancel(this);
    clearTimeout(this.expiryTimer);
  }

  /**
   * Disconnects when the credentials expire (JWT `exp`): v5 DISCONNECT 0x87
   * Not authorized, as EMQX does (`emqx_authn_jwt_expire_SUITE`: the client
   * gets `{disconnected, ?RC_NOT_AUTHORIZED}` and its will is published);
   * 0xA0 Maximum connect time is about a server time limit, not credentials.
   */
  expireAt(at: number): void {
    if (this.state === 'closed') return;
    // setTimeout fires at once for delays above 2^31-1 ms (~24.8 days): re-arm in steps until then.
    const delay = Math.min(Math.max(at - Date.now(), 0), 2_147_483_647);
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      try {
        if (Date.now() < at) this.expireAt(at);
        else this.disconnect(ReasonCode.NotAuthorized, 'auth_expired');
      } catch (err) {
        this.fail('credential expiry threw', err);
      }
    }, delay);
  }

  private onSocketClose(): void {
    if (this.stateBeforeClose === undefined) {
      if (this.closeReason === 'unknown') this.closeReason = 'connection_lost';
      this.markClosing();
    }
    clearTimeout(this.closeTimer);
    try {
      this.hooks.closed(this);
    } catch (err) {
      this.ctx.logger.error('close hook threw', { connectionId: this.id, error: err });
    }
  }
}
