/**
 * What a gateway announces on `subjects.gatewayHeartbeat` every `intervalMs`,
 * JSON encoded. A listener that hears nothing from a gateway for a few
 * intervals, or hears a new `startedAt` (the process restarted), treats every
 * connection the gateway had as ended without DISCONNECT.
 */
export interface GatewayHeartbeat {
  gatewayId: string;
  /** Milliseconds since the epoch when this gateway process started: a new value means a new life. */
  startedAt: number;
  /** How often this gateway announces itself; listeners give up after a few of them. */
  intervalMs: number;
}

export function encodeGatewayHeartbeat(hb: GatewayHeartbeat): Uint8Array {
  return Buffer.from(JSON.stringify({ gatewayId: hb.gatewayId, startedAt: hb.startedAt, intervalMs: hb.intervalMs }));
}

/** Throws on anything that is not a well-formed heartbeat (the bus is shared: never trust its payloads). */
export function decodeGatewayHeartbeat(data: Uint8Array): GatewayHeartbeat {
  const raw: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
  if (typeof raw !== 'object' || raw === null) throw new TypeError('gateway heartbeat is not an object');
  const { gatewayId, startedAt, intervalMs } = raw as Record<string, unknown>;
  if (typeof gatewayId !== 'string' || gatewayId === '') throw new TypeError('gateway heartbeat without a gatewayId');
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) throw new TypeError('gateway heartbeat without a startedAt');
  if (typeof intervalMs !== 'number' || !(intervalMs > 0)) throw new TypeError('gateway heartbeat without an intervalMs');
  return { gatewayId, startedAt, intervalMs };
}
