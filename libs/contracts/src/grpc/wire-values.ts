import { InvalidArgumentError, type ProtocolVersion, type QoS } from '@mqp/model';

/**
 * Checks on numbers the proto types cannot narrow (uint32 on the wire, a
 * union in TS). A peer that sends anything else is refused with
 * INVALID_ARGUMENT instead of being trusted.
 */
export function protocolVersionFromWire(value: number): ProtocolVersion {
  if (value === 3 || value === 4 || value === 5) return value;
  throw new InvalidArgumentError(`protocol version must be 3, 4 or 5, got ${value}`);
}

export function qosFromWire(value: number): QoS {
  if (value === 0 || value === 1 || value === 2) return value;
  throw new InvalidArgumentError(`QoS must be 0, 1 or 2, got ${value}`);
}
