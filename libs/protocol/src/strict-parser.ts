import { parser as createParser, type Packet, type Parser } from 'mqtt-packet';

/**
 * mqtt-packet's parser, made strict where it is lenient (checked against
 * mqtt-packet 9.0.2, pinned in package.json):
 *   - a property value cut short yields null / -1 / undefined / `true`
 *     instead of an error, and a Properties block whose length disagrees
 *     with its contents is read anyway [aedes #612];
 *   - a missing Packet Identifier becomes -1 [MQTT-2.3.1-1];
 *   - bytes left over after the last field are ignored.
 * The first two are fixed by wrapping two of its internal methods on this
 * one instance; the others are checked on each decoded packet.
 */

/** The parts of mqtt-packet's parser.js this module relies on. */
export interface ParserInternals {
  settings: { protocolVersion?: number; bridgeMode?: boolean };
  packet: { cmd?: string; length: number };
  error: Error | null;
  _pos: number;
  _list: { length: number; readUInt8(offset: number): number };
  _stateCounter: number;
  _resetState(): void;
  _parseByType(type: string): unknown;
  _parseProperties(): unknown;
  _emitError(err: Error): void;
}

/** Packets whose Properties may be left out entirely when nothing follows (MQTT 5.0 3.14.2.2, 3.15.2.2). */
const PROPERTIES_OPTIONAL = new Set(['disconnect', 'auth']);

export type StrictParser = Parser & ParserInternals;

export function createStrictParser(protocolVersion: number): StrictParser {
  const internals = createParser({ protocolVersion }) as unknown as StrictParser;
  const parseByType = internals._parseByType;
  const parseProperties = internals._parseProperties;

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
function mayRepeat(cmd: string, name: string): boolean {
  return name === 'userProperties' || (cmd === 'publish' && name === 'subscriptionIdentifier');
}

function repeatedProperty(cmd: string, properties: unknown): string | undefined {
  if (typeof properties !== 'object' || properties === null) return undefined;
  for (const [name, value] of Object.entries(properties)) {
    // mqtt-packet turns a repeated property into an array of its values
    if (Array.isArray(value) && !mayRepeat(cmd, name)) return name;
  }
  return undefined;
}

/** The Will Properties of MQTT 5.0 §3.1.3.2, as mqtt-packet names them. */
const WILL_PROPERTIES = new Set(['willDelayInterval', 'payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic', 'correlationData', 'userProperties']);

export interface DecodedProblem {
  reason: 'malformed' | 'protocol_error';
  message: string;
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
  // MQTT 5.0 2.2.2.2: including any other property more than once is a Protocol Error
  const repeated = repeatedProperty(packet.cmd, p.properties) ?? repeatedProperty('will', p.will?.properties);
  if (repeated !== undefined) return { reason: 'protocol_error', message: `property ${repeated} given more than once` };
  // MQTT 5.0 2.2.2.2: a property not defined for where it appears makes a Malformed Packet; mqtt-packet reads any property anywhere [CVE-2023-3592]
  const misplaced = Object.keys(p.will?.properties ?? {}).find((name) => !WILL_PROPERTIES.has(name));
  if (misplaced !== undefined) return { reason: 'malformed', message: `property ${misplaced} is not a will property` };
  return undefined;
}
