import { parser as createParser, type IConnectPacket, type Packet, type Parser } from 'mqtt-packet';
import { isPropertyPlace, propertyAllowed, type PropertyPlace } from './property-table';
import { utf8StringProblem } from './utf8-string';

/**
 * mqtt-packet's parser, made strict where it is lenient (checked against
 * mqtt-packet 9.0.2, pinned in package.json):
 *   - a property value cut short yields null / -1 / undefined / `true`
 *     instead of an error, and a Properties block whose length disagrees
 *     with its contents is read anyway [aedes #612];
 *   - a missing Packet Identifier becomes -1 [MQTT-2.3.1-1];
 *   - bytes left over after the last field are ignored;
 *   - a UTF-8 string is decoded with Buffer#toString, which turns ill-formed
 *     bytes into U+FFFD [MQTT-1.5.4-1] and lets U+0000 through [MQTT-1.5.4-2];
 *   - any property is read in any packet (MQTT 5.0 §2.2.2.2);
 *   - a CONNECT may pair either protocol name with any of the levels 3, 4
 *     and 5, carry Will QoS 3, or (before MQTT 5) a password without a user
 *     name.
 * The first two and the strings are fixed by wrapping three of its internal
 * methods on this one instance; the others are checked on each decoded packet.
 */

/** The parts of mqtt-packet's parser.js this module relies on. */
export interface ParserInternals {
  settings: { protocolVersion?: number; bridgeMode?: boolean };
  packet: { cmd?: string; length: number };
  error: Error | null;
  _pos: number;
  _list: { length: number; readUInt8(offset: number): number; slice(start: number, end: number): Buffer; _bufs?: Buffer[] };
  _stateCounter: number;
  _resetState(): void;
  _parseByType(type: string): unknown;
  _parseProperties(): unknown;
  _parseString(): unknown;
  _emitError(err: Error): void;
}

/** Packets whose Properties may be left out entirely when nothing follows (MQTT 5.0 3.14.2.2, 3.15.2.2). */
const PROPERTIES_OPTIONAL = new Set(['disconnect', 'auth']);

export type StrictParser = Parser & ParserInternals;

export function createStrictParser(protocolVersion: number): StrictParser {
  const internals = createParser({ protocolVersion }) as unknown as StrictParser;
  const parseByType = internals._parseByType;
  const parseProperties = internals._parseProperties;
  const parseString = internals._parseString;

  internals._parseString = function (this: ParserInternals): unknown {
    const problem = stringProblemAt(this);
    // [MQTT-1.5.4-1] [MQTT-1.5.4-2] (v3.1.1 [MQTT-1.5.3-1] [MQTT-1.5.3-2]) a bad UTF-8 string makes the packet malformed
    if (problem !== undefined) this._emitError(new Error(`malformed UTF-8 string: ${problem}`));
    return parseString.call(this);
  };

  internals._parseByType = function (this: ParserInternals, type: string): unknown {
    const before = this._pos;
    // mqtt-packet reads a Byte property as a boolean, so 7 would pass as 1; every Byte property is 0 or 1 (MQTT 5.0 §3.1.2.11, §3.3.2.3.2) [CVE-2023-3592]
    if (type === 'byte' && before < this._list.length && this._list.readUInt8(before) > 1) {
      this._emitError(new Error('byte property other than 0 or 1'));
    }
    const value = parseByType.call(this, type);
    // every property value takes at least one byte; a reader that did not move found none
    const truncated =
      this._pos === before ||
      value === null ||
      (type === 'var' && value === false) ||
      (type === 'pair' && ((value as { name: unknown }).name === null || (value as { value: unknown }).value === null));
    if (truncated) this._emitError(new Error(`truncated ${type} property`));
    return value;
  };

  internals._parseProperties = function (this: ParserInternals): unknown {
    const start = this._pos;
    if (start >= this._list.length) {
      if (PROPERTIES_OPTIONAL.has(this.packet.cmd ?? '')) return {};
      this._emitError(new Error('missing properties'));
      return {};
    }
    const end = propertiesEnd(this._list, start);
    if (end === undefined) {
      this._emitError(new Error('truncated properties length'));
      return {};
    }
    const result = parseProperties.call(this);
    if (this.error === null && this._pos !== end) {
      this._emitError(new Error('properties length does not match the properties'));
    }
    return result;
  };

  return internals;
}

/**
 * Checks the raw bytes of the UTF-8 string mqtt-packet is about to read at
 * `_pos`. A length that points past the packet is left to mqtt-packet, which
 * reports it as truncated.
 */
function stringProblemAt(p: ParserInternals): string | undefined {
  const pos = p._pos;
  // the CONNECT protocol name is compared with "MQTT" as it is; a wrong one is an unsupported protocol [MQTT-3.1.2-1]
  if (pos === 0 && p.packet.cmd === 'connect') return undefined;
  const list = p._list;
  // PacketReader hands over one whole packet as one Buffer: read it in place (the header is already consumed)
  const bytes = list._bufs?.length === 1 ? (list._bufs[0] as Buffer) : list.slice(0, list.length);
  if (pos + 2 > bytes.length) return undefined;
  const start = pos + 2;
  const end = start + ((bytes[pos] as number) << 8) + (bytes[pos + 1] as number);
  if (end > bytes.length) return undefined;
  return utf8StringProblem(bytes, start, end);
}

/** Where a Properties block starting at `start` ends: after its length varint and that many bytes. */
function propertiesEnd(list: ParserInternals['_list'], start: number): number | undefined {
  let length = 0;
  let multiplier = 1;
  for (let i = start; i < start + 4 && i < list.length; i++) {
    const byte = list.readUInt8(i);
    length += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) return i + 1 + length;
  }
  return undefined;
}

/** Properties that may appear more than once (MQTT 5.0 2.2.2.2): User Property, and Subscription Identifier in a PUBLISH. */
function mayRepeat(place: PropertyPlace, name: string): boolean {
  return name === 'userProperties' || (place === 'publish' && name === 'subscriptionIdentifier');
}

/**
 * One pass over the decoded properties of `place`: a property not defined
 * for it, or one given twice that may not repeat. for...in rather than
 * Object.entries: nothing is allocated for a PUBLISH with properties.
 */
function propertiesProblem(place: PropertyPlace, properties: unknown): DecodedProblem | undefined {
  if (typeof properties !== 'object' || properties === null) return undefined;
  for (const name in properties) {
    // MQTT 5.0 §2.2.2.2: "A Control Packet which contains an Identifier which is not valid for its packet type ... is a Malformed Packet" [CVE-2023-3592]
    if (!propertyAllowed(name, place)) {
      return { reason: 'malformed', message: place === 'will' ? `property ${name} is not a will property` : `property ${name} is not allowed in ${place.toUpperCase()}` };
    }
    // mqtt-packet turns a repeated property into an array of its values; MQTT 5.0 §2.2.2.2: any other repeated is a Protocol Error
    if (Array.isArray((properties as Record<string, unknown>)[name]) && !mayRepeat(place, name)) {
      return { reason: 'protocol_error', message: `property ${name} given more than once` };
    }
  }
  return undefined;
}

export interface DecodedProblem {
  /**
   * `unsupported_protocol_version`: a CONNECT whose protocol name and level
   * do not go together, refused as an unsupported level (reason code 0x84,
   * the v3.1.1 CONNACK 0x01) [MQTT-3.1.2-2].
   */
  reason: 'malformed' | 'protocol_error' | 'unsupported_protocol_version';
  message: string;
}

/**
 * A CONNECT whose protocol name and level do not go together: "MQTT" is the
 * name of 3.1.1 (level 4) and 5.0 (level 5), "MQIsdp" that of 3.1 (level 3);
 * mqtt-packet accepts either name with any of the three levels (and removes
 * the bridge bit, 0x80, from the level first). `connect` may be what
 * mqtt-packet read of a CONNECT before it failed: the name and level are its
 * first fields, so a mismatch is the packet's first fault whatever follows.
 * Answered as an unsupported level, as Mosquitto does (`handle__connect`:
 * CONNACK 0x01 for MQIsdp with a level other than 3 and for MQTT with a level
 * other than 4 or 5).
 */
export function connectProtocolProblem(connect: { protocolId?: unknown; protocolVersion?: unknown }): DecodedProblem | undefined {
  const { protocolId, protocolVersion } = connect;
  const mismatch =
    // [MQTT-3.1.2-2] level 3 is MQTT 3.1, whose name is MQIsdp: no level of the protocol named MQTT
    (protocolId === 'MQTT' && protocolVersion === 3) ||
    // [MQTT-3.1.2-1] a 3.1.1 or 5.0 CONNECT is named MQTT; the server may refuse any other name
    (protocolId === 'MQIsdp' && (protocolVersion === 4 || protocolVersion === 5));
  if (!mismatch) return undefined;
  return { reason: 'unsupported_protocol_version', message: `protocol name ${protocolId} with level ${protocolVersion as number}` };
}

/** The Connect Flags combinations mqtt-packet lets through. */
function connectFlagsProblem(connect: IConnectPacket): DecodedProblem | undefined {
  // [MQTT-3.1.2-14] Will QoS is 0, 1 or 2, never 3; MQTT 5.0 §3.1.2.6 [MQTT-3.1.2-12]: "A value of 3 (0x03) is a Malformed Packet"
  if ((connect.will?.qos as number | undefined) === 3) return { reason: 'malformed', message: 'Will QoS 3' };
  // [MQTT-3.1.2-22] before MQTT 5 the Password Flag needs the User Name Flag (MQTT 5.0 §3.1.2.9 lifts this); MQTT 3.1 too, as
  // Mosquitto holds (`handle__connect` refuses it on 3.1 and 3.1.1). mqtt-packet sets username and password only from the flags.
  if (connect.protocolVersion !== 5 && connect.password !== undefined && connect.username === undefined) {
    return { reason: 'malformed', message: 'Password Flag without the User Name Flag' };
  }
  return undefined;
}

/**
 * Checks mqtt-packet cannot make while parsing. `consumed` is where its
 * reader stopped in the packet body.
 */
export function checkDecodedPacket(packet: Packet, consumed: number): DecodedProblem | undefined {
  const p = packet as Packet & {
    messageId?: unknown;
    reasonCode?: unknown;
    length?: number;
    properties?: unknown;
    will?: { properties?: unknown };
  };
  if (packet.cmd === 'connect') {
    // the protocol name, level and Connect Flags come first in a CONNECT, so they are checked first
    const problem = connectProtocolProblem(packet) ?? connectFlagsProblem(packet);
    if (problem !== undefined) return problem;
  }
  if ('messageId' in p) {
    const id = p.messageId;
    // [MQTT-2.3.1-1] SUBSCRIBE, UNSUBSCRIBE and QoS > 0 PUBLISH carry a non-zero 16-bit Packet Identifier
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 0xffff) {
      return { reason: 'malformed', message: 'missing or zero packet identifier' };
    }
  }
  if ('reasonCode' in p && typeof p.reasonCode !== 'number') return { reason: 'malformed', message: 'missing reason code' };
  // a PUBLISH payload is the rest of the packet; every other packet must end where its last field does
  if (packet.cmd !== 'publish' && consumed !== (p.length ?? 0)) {
    return { reason: 'malformed', message: 'unexpected bytes after the last field' };
  }
  // packets only a server sends are refused by type (dispatcher), whatever their properties
  if (p.properties !== undefined && isPropertyPlace(packet.cmd)) {
    const problem = propertiesProblem(packet.cmd, p.properties);
    if (problem !== undefined) return problem;
  }
  if (p.will?.properties !== undefined) return propertiesProblem('will', p.will.properties);
  return undefined;
}
