import type { Packet } from 'mqtt-packet';
import { decodePlainAck } from './ack-decoder';
import { decodePlainConnect } from './connect-decoder';
import type { LastString } from './last-string';
import { decodePlainPublish, lastTopicOfConnection } from './publish-decoder';
import { ReasonCode } from './reason-codes';
import { checkDecodedPacket, connectProtocolProblem, createStrictParser, type DecodedProblem, type ParserInternals, type StrictParser } from './strict-parser';

/**
 * Turns the byte stream of one connection into MQTT packets.
 *
 * mqtt-packet decodes the packet bodies, but it is lenient where brokers have
 * been hurt, so this reader frames packets itself first:
 *   - it decodes the fixed header and the Remaining Length as bytes arrive and
 *     refuses a packet larger than `maxPacketSize` before buffering any of
 *     its body [CVE-2017-7651, CVE-2023-0809];
 *   - it checks the fixed-header flags from the first byte [MQTT-2.2.2-2];
 *   - it hands mqtt-packet exactly one whole packet at a time, so no length
 *     field inside a packet can read into the bytes of the next one
 *     [CVE-2019-5432], and checks what mqtt-packet lets through (see
 *     strict-parser.ts).
 * After the first violation it reports once and ignores further input: the
 * caller closes the connection. Nothing thrown ever leaves `push`.
 */

export type ProtocolViolationReason = 'malformed' | 'packet_too_large' | 'protocol_error';

export interface ProtocolViolation {
  reason: ProtocolViolationReason;
  message: string;
  /** The MQTT 5 reason code that describes it (0x81, 0x95, 0x82, 0x84 for an unsupported protocol version). */
  reasonCode: number;
  cause?: unknown;
  /**
   * Set when the refused packet is a CONNECT whose protocol level was read:
   * an MQTT 5 client is owed a CONNACK with `reasonCode` before the close
   * (MQTT 5.0 §4.13.1, [MQTT-3.1.4-1]); a v3.1.1 one just sees the close.
   */
  connectProtocolVersion?: ProtocolVersionNumber;
}

export type ProtocolVersionNumber = 3 | 4 | 5;

/** Where a reader hands what it read (the connection, in the gateway: one object, no closures per reader). */
export interface PacketSink {
  packetRead(packet: Packet): void;
  packetRefused(err: ProtocolViolation): void;
}

export interface PacketReaderOptions {
  /** How to parse until a CONNECT says otherwise; default 4 (MQTT 3.1.1). */
  protocolVersion?: ProtocolVersionNumber;
  /** Largest whole packet (fixed header included) accepted; default 1 MiB (HOSTILE-INPUTS.md, EMQX 1 MB). */
  maxPacketSize?: number;
}

export const DEFAULT_MAX_PACKET_SIZE = 1024 * 1024;

const PACKET_TYPE_CONNECT = 1;
const PACKET_TYPE_PUBLISH = 3;
const PACKET_TYPE_PUBACK = 4;
const PACKET_TYPE_PUBREL = 6;
const PACKET_TYPE_PUBCOMP = 7;
const PACKET_TYPE_SUBSCRIBE = 8;
const PACKET_TYPE_UNSUBSCRIBE = 10;
const PACKET_TYPE_PINGREQ = 12;
const PACKET_TYPE_PINGRESP = 13;
/** A Remaining Length is at most four bytes [MQTT-1.5.5], so a fixed header is at most five. */
const MAX_FIXED_HEADER_BYTES = 5;

function violation(reason: ProtocolViolationReason, message: string, cause?: unknown): ProtocolViolation {
  const reasonCode =
    reason === 'packet_too_large'
      ? ReasonCode.PacketTooLarge
      : reason === 'malformed'
        ? ReasonCode.MalformedPacket
        : ReasonCode.ProtocolError;
  return cause === undefined ? { reason, message, reasonCode } : { reason, message, reasonCode, cause };
}

/** The flag rules of the first byte; mqtt-packet checks some, but this must not depend on its version. */
export function checkFixedHeaderByte(first: number): ProtocolViolation | undefined {
  const type = first >> 4;
  const flags = first & 0x0f;
  if (type === 0) return violation('malformed', 'packet type 0 is reserved');
  if (type === PACKET_TYPE_PUBLISH) {
    const qos = (flags >> 1) & 0x03;
    // [MQTT-3.3.1-4] a PUBLISH must not have both QoS bits set
    if (qos === 3) return violation('malformed', 'PUBLISH with QoS 3');
    // [MQTT-3.3.1-2] the DUP flag must be 0 on QoS 0 messages
    if (qos === 0 && (flags & 0x08) !== 0) return violation('malformed', 'PUBLISH with DUP set on QoS 0');
    return undefined;
  }
  const required =
    type === PACKET_TYPE_PUBREL || type === PACKET_TYPE_SUBSCRIBE || type === PACKET_TYPE_UNSUBSCRIBE ? 0b0010 : 0;
  // [MQTT-2.2.2-1] [MQTT-2.2.2-2] reserved flag bits must have their listed values, else the packet is malformed
  if (flags !== required) {
    return violation('malformed', `reserved flag bits 0x${flags.toString(16)} on packet type ${type}`);
  }
  return undefined;
}

/**
 * [MQTT-3.1.2-2] a CONNECT with a protocol name or level the server does not support: reason code 0x84, which the
 * gateway answers with the v3.1.1 CONNACK 0x01 before the close. Never tied to a level (`connectProtocolVersion`):
 * the level is what is in question.
 */
function unsupportedProtocol(message: string, cause?: unknown): ProtocolViolation {
  const reasonCode = ReasonCode.UnsupportedProtocolVersion;
  return cause === undefined ? { reason: 'protocol_error', message, reasonCode } : { reason: 'protocol_error', message, reasonCode, cause };
}

function classifyParserError(err: Error): ProtocolViolation {
  const message = err.message;
  if (/protocol ?(version|id)/i.test(message)) return unsupportedProtocol(message, err);
  if (/not supported/i.test(message)) return violation('protocol_error', message, err);
  return violation('malformed', message, err);
}

/** A problem the strict checks found in a packet mqtt-packet read (strict-parser.ts). */
function problemViolation(problem: DecodedProblem): ProtocolViolation {
  return problem.reason === 'unsupported_protocol_version' ? unsupportedProtocol(problem.message) : violation(problem.reason, problem.message);
}

function connectVersionOf(connect: { protocolVersion?: unknown }): ProtocolVersionNumber | undefined {
  const v = connect.protocolVersion;
  return v === 3 || v === 4 || v === 5 ? v : undefined;
}

function withConnectVersion(err: ProtocolViolation, version: ProtocolVersionNumber | undefined): ProtocolViolation {
  // an unsupported protocol level has its own answer (CONNACK 0x01 / 0x84)
  if (version !== undefined && err.reasonCode !== ReasonCode.UnsupportedProtocolVersion) err.connectProtocolVersion = version;
  return err;
}

/**
 * One mqtt-packet parser for every reader in the process. Each reader hands it
 * exactly one whole packet and `parse` runs synchronously, so the parser is
 * idle between calls; a parser per connection cost an EventEmitter and a
 * BufferList stream each (about 2 KB per idle connection, issue 6). What its
 * events report is kept here too, for the one parse call that caused them
 * (fields on every reader would cost every idle connection).
 */
interface SharedParser {
  parser: StrictParser;
  /** The packet decoded, and what the strict checks found in it; when the parser also failed, a CONNECT protocol mismatch before the failure. */
  parsed: Packet | undefined;
  problem: DecodedProblem | undefined;
  error: Error | undefined;
  /** The protocol level of a CONNECT the parser failed on, when it got that far. */
  errorVersion: ProtocolVersionNumber | undefined;
}

let shared: SharedParser | undefined;

function sharedParser(): SharedParser {
  if (shared !== undefined) return shared;
  const parser = createStrictParser(4);
  const state: SharedParser = { parser, parsed: undefined, problem: undefined, error: undefined, errorVersion: undefined };
  parser.on('packet', (packet: Packet) => {
    // `_pos` is read now, as it resets right after
    state.problem = checkDecodedPacket(packet, parser._pos);
    state.parsed = packet;
  });
  parser.on('error', (err: Error) => {
    if (state.error !== undefined) return;
    state.error = err;
    const packet = parser.packet as Partial<Packet>;
    if (packet.cmd !== 'connect') return;
    state.errorVersion = connectVersionOf(packet);
    // a CONNECT's protocol name and level come before any field mqtt-packet can fail on: a mismatch of the two is the answer
    state.problem = connectProtocolProblem(packet);
  });
  shared = state;
  return state;
}

/** Empties what the last parse reported, so none of it reaches the next (another connection's). */
function forgetParse(state: SharedParser): void {
  state.parsed = undefined;
  state.problem = undefined;
  state.error = undefined;
  state.errorVersion = undefined;
}

/** Resets the shared parser after a packet that did not end cleanly, so nothing of it reaches another connection's. */
function resetParser(parser: StrictParser): void {
  if (parser.error === null && parser._list.length === 0 && parser._stateCounter === 0 && parser._pos === 0) return;
  parser._resetState();
  // _resetState leaves the read position where the failed packet stopped, and the length parser starts from it
  parser._pos = 0;
}

/**
 * The parser settings per (protocol version, bridge mode), shared by every
 * reader: mqtt-packet only reads them (it replaces, never changes, the
 * object when it parses a CONNECT), so a copy per connection was waste.
 */
const SHARED_SETTINGS = new Map<string, ParserInternals['settings']>();

function parserSettings(protocolVersion: ProtocolVersionNumber, bridgeMode: boolean): ParserInternals['settings'] {
  const key = `${protocolVersion}${bridgeMode ? 'b' : ''}`;
  let settings = SHARED_SETTINGS.get(key);
  if (settings === undefined) {
    settings = { protocolVersion, bridgeMode };
    SHARED_SETTINGS.set(key, settings);
  }
  return settings;
}

export class PacketReader {
  /** The parser settings of this connection (mqtt-packet reads protocolVersion from them). */
  private settings: ParserInternals['settings'];
  private readonly maxPacketSize: number;

  private stopped = false;
  /** First byte of the packet being framed, and how many fixed header bytes were read. */
  private firstByte = 0;
  private headerLen = 0;
  private remainingLength = 0;
  private multiplier = 1;
  /** Once the header is known: the bytes of the packet so far, and how many it has in total. */
  private parts: Buffer[] | undefined;
  private partsBytes = 0;
  private packetBytes = 0;
  /** Made by the first PUBLISH: most idle devices never publish (issue 6: memory per connection). */
  private lastTopic: LastString | undefined;

  constructor(
    private readonly sink: PacketSink,
    options: PacketReaderOptions = {},
  ) {
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    this.settings = parserSettings(options.protocolVersion ?? 4, false);
  }

  get protocolVersion(): ProtocolVersionNumber {
    return (this.settings.protocolVersion ?? 4) as ProtocolVersionNumber;
  }

  /**
   * Parse the following packets as `version`. mqtt-packet already switches
   * on the CONNECT it parses; this is for a caller that knows better (tests,
   * or a connection whose version is decided elsewhere).
   */
  setProtocolVersion(version: ProtocolVersionNumber): void {
    this.settings = parserSettings(version, this.settings.bridgeMode === true);
  }

  /** True once a violation was reported (or stop() called): input is ignored from then on. */
  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    this.parts = undefined;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    try {
      this.consume(chunk);
    } catch (err) {
      // a bug here must cost this connection only, never the process
      this.fail(violation('malformed', `could not read packet: ${(err as Error).message}`, err));
    }
  }

  private consume(chunk: Buffer): void {
    let off = 0;
    // where the current packet started in this chunk; -1 if it began in an earlier one
    let packetStart = this.headerLen === 0 && this.parts === undefined ? 0 : -1;
    while (off < chunk.length && !this.stopped) {
      if (this.parts !== undefined) {
        const take = Math.min(this.packetBytes - this.partsBytes, chunk.length - off);
        this.parts.push(chunk.subarray(off, off + take));
        this.partsBytes += take;
        off += take;
        if (this.partsBytes === this.packetBytes) {
          const packet = Buffer.concat(this.parts, this.packetBytes);
          this.parts = undefined;
          this.parsePacket(packet);
          packetStart = off;
        }
        continue;
      }
      const byte = chunk[off++] as number;
      this.headerLen++;
      if (this.headerLen === 1) {
        this.firstByte = byte;
        const bad = checkFixedHeaderByte(byte);
        if (bad !== undefined) return this.fail(bad);
        this.remainingLength = 0;
        this.multiplier = 1;
        continue;
      }
      this.remainingLength += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if ((byte & 0x80) !== 0) {
        // [MQTT-1.5.5] the Remaining Length takes at most four bytes
        if (this.headerLen === MAX_FIXED_HEADER_BYTES) {
          return this.fail(violation('malformed', 'Remaining Length longer than 4 bytes'));
        }
        continue;
      }
      // [MQTT-1.5.5-1] a variable byte integer uses the fewest bytes possible
      if (byte === 0 && this.headerLen > 2) {
        return this.fail(violation('malformed', 'Remaining Length not minimally encoded'));
      }
      const total = this.headerLen + this.remainingLength;
      if (total > this.maxPacketSize) {
        return this.fail(
          violation('packet_too_large', `packet of ${total} bytes exceeds the maximum of ${this.maxPacketSize}`),
        );
      }
      const type = this.firstByte >> 4;
      if ((type === PACKET_TYPE_PINGREQ || type === PACKET_TYPE_PINGRESP) && this.remainingLength !== 0) {
        return this.fail(violation('malformed', 'PINGREQ/PINGRESP with a body'));
      }
      const headerLen = this.headerLen;
      this.headerLen = 0;
      if (packetStart >= 0 && chunk.length - off >= this.remainingLength) {
        // the common case, the whole packet inside this chunk: no copy (and no view either when it is the whole chunk)
        const end = off + this.remainingLength;
        off = end;
        this.parsePacket(packetStart === 0 && end === chunk.length ? chunk : chunk.subarray(packetStart, end));
        packetStart = off;
        continue;
      }
      if (this.remainingLength === 0) {
        // a header-only packet whose header straddled chunks
        this.parsePacket(this.headerBytes(headerLen));
        packetStart = off;
        continue;
      }
      // buffer only what has arrived; never allocate the declared size up front
      this.parts = [this.headerBytes(headerLen)];
      this.partsBytes = headerLen;
      this.packetBytes = total;
    }
  }

  /**
   * The fixed header of a packet whose header straddled chunks, rebuilt from
   * the first byte and the Remaining Length: the same bytes, as a longer
   * (not minimal) encoding was refused [MQTT-1.5.5-1].
   */
  private headerBytes(headerLen: number): Buffer {
    const bytes = Buffer.allocUnsafe(headerLen);
    bytes[0] = this.firstByte;
    let rest = this.remainingLength;
    for (let i = 1; i < headerLen; i++) {
      bytes[i] = (rest % 128) | (i < headerLen - 1 ? 0x80 : 0);
      rest = Math.floor(rest / 128);
    }
    return bytes;
  }

  private parsePacket(bytes: Buffer): void {
    const type = (bytes[0] as number) >> 4;
    if (type === PACKET_TYPE_PUBLISH) {
      const publish = decodePlainPublish(bytes, this.protocolVersion, (this.lastTopic ??= lastTopicOfConnection()));
      if (publish !== undefined) return this.hand(publish);
    } else if (type >= PACKET_TYPE_PUBACK && type <= PACKET_TYPE_PUBCOMP) {
      const ack = decodePlainAck(bytes, this.protocolVersion);
      if (ack !== undefined) return this.hand(ack);
    } else if (type === PACKET_TYPE_CONNECT) {
      // a connection's first packet: the plain shapes without mqtt-packet (connect-decoder.ts), the rest below
      const connect = decodePlainConnect(bytes);
      if (connect !== undefined) {
        this.detachSettings(connect);
        return this.hand(connect);
      }
    }
    const state = sharedParser();
    const parser = state.parser;
    parser.settings = this.settings;
    forgetParse(state);
    try {
      parser.parse(bytes);
    } catch (err) {
      forgetParse(state);
      // mqtt-packet can throw on some truncated fields (e.g. a user property pair)
      return this.fail(violation('malformed', `could not parse packet: ${(err as Error).message}`, err));
    } finally {
      resetParser(parser);
    }
    // TypeScript cannot see that the listeners assigned them during parse()
    const { parsed: packet, problem, error, errorVersion } = state as SharedParser;
    // not kept: the shared parser would hold the packet (a CONNECT, its password) until the next parse
    forgetParse(state);
    if (error !== undefined) {
      if (problem !== undefined) return this.fail(problemViolation(problem));
      return this.fail(withConnectVersion(classifyParserError(error), errorVersion));
    }
    if (packet === undefined) return this.fail(violation('malformed', 'packet could not be decoded'));
    if (problem !== undefined) {
      const version = packet.cmd === 'connect' ? connectVersionOf(packet) : undefined;
      return this.fail(withConnectVersion(problemViolation(problem), version));
    }
    if (packet.cmd === 'connect') this.detachSettings(packet);
    this.hand(packet);
  }

  /** Gives a decoded packet to the sink. */
  private hand(packet: Packet): void {
    try {
      this.sink.packetRead(packet);
    } catch (err) {
      // a throwing handler is a bug of the caller; stop reading rather than let it escape
      this.fail({
        reason: 'protocol_error',
        message: `packet handler failed: ${(err as Error).message}`,
        reasonCode: ReasonCode.UnspecifiedError,
        cause: err,
      });
    }
  }

  /**
   * Reads what follows as the CONNECT says, however it was decoded. mqtt-packet keeps the CONNECT packet object as
   * its settings; the reader keeps its own copy so handlers may change theirs.
   */
  private detachSettings(connect: Packet & { bridgeMode?: boolean }): void {
    const protocolVersion = connect.cmd === 'connect' ? (connect.protocolVersion ?? 4) : this.protocolVersion;
    this.settings = parserSettings(protocolVersion as ProtocolVersionNumber, connect.bridgeMode === true);
  }

  private fail(err: ProtocolViolation): void {
    if (this.stopped) return;
    this.stop();
    try {
      this.sink.packetRefused(err);
    } catch {
      // nothing sensible to do: the reader is stopped and the caller's handler is broken
    }
  }
}
