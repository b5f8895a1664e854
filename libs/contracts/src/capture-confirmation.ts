/**
 * Confirmed capture, split mode (docs/architecture.md "Confirmed capture").
 * Over NATS a publisher's PUBACK/PUBREC cannot wait for the session service's
 * bus capture: the server hands the message on and forgets it, so a session
 * service that is down (or NATS itself) would lose what was acknowledged.
 * So each session-service instance announces which offline sessions it
 * captures and for which filters (`CaptureInterest`), every gateway keeps
 * that table, and a QoS 1/2 message matching it is also sent straight to the
 * capturing instance (`CaptureRequest`), whose reply, once the message is in
 * the store, releases the acknowledgement. Both are JSON: they are control
 * traffic, and the messages inside a request keep their bus encoding.
 */

import { captureInstanceKey } from './subjects';

/** An instance's announcement on `subjects.captureInterest`. */
export interface CaptureInterest {
  /** The session-service instance (its lease owner name): requests go to `subjects.captureRequests(instance)`. */
  instance: string;
  /** When that instance process started: a new value is a new life, whose `full` announcement replaces the old one. */
  life: number;
  /** Numbers the announcements of one life (`tick` repeats the last): a listener that sees a gap asks for `full`. */
  seq: number;
  /** `full`: everything this instance captures now; `delta`: changes since `seq - 1`; `tick`: no change. */
  kind: 'full' | 'delta' | 'tick';
  /** Sessions captured (from now on, or still) by this instance, with the filters of their subscriptions. */
  set: CapturedSession[];
  /** Sessions this instance no longer captures (resumed, expired, handed to another instance). */
  drop: string[];
}

export interface CapturedSession {
  clientId: string;
  filters: string[];
}

/** Messages for one instance's captured sessions, each with the client ids it matched at the gateway. */
export interface CaptureRequest {
  /** Where the instance publishes the `CaptureReply` once every message is stored. */
  replyTo: string;
  /** Names this request in the reply. */
  batch: number;
  items: CaptureItem[];
}

export interface CaptureItem {
  clientIds: string[];
  /** The message as the bus carries it (`encodeMessage`). */
  message: Uint8Array;
}

export interface CaptureReply {
  batch: number;
}

export function encodeCaptureInterest(interest: CaptureInterest): Uint8Array {
  return Buffer.from(JSON.stringify(interest));
}

/** Throws on anything that is not a well-formed announcement (the bus is shared: never trust its payloads). */
export function decodeCaptureInterest(data: Uint8Array): CaptureInterest {
  const raw = parseObject(data, 'capture interest');
  const { instance, life, seq, kind, set, drop } = raw;
  if (typeof instance !== 'string' || instance === '') throw new TypeError('capture interest without an instance');
  if (!isCount(life) || !isCount(seq)) throw new TypeError('capture interest without life and seq');
  if (kind !== 'full' && kind !== 'delta' && kind !== 'tick') throw new TypeError('capture interest of an unknown kind');
  if (!Array.isArray(set) || !set.every(isCapturedSession)) throw new TypeError('capture interest with a malformed set');
  if (!Array.isArray(drop) || !drop.every((c) => typeof c === 'string')) throw new TypeError('capture interest with a malformed drop');
  return { instance, life, seq, kind, set, drop };
}

/**
 * `u32 length | JSON {replyTo, batch, items: [{clientIds, size}]} | the
 * messages' bytes one after another`: the messages stay binary.
 */
export function encodeCaptureRequest(request: CaptureRequest): Uint8Array {
  const head = Buffer.from(
    JSON.stringify({ replyTo: request.replyTo, batch: request.batch, items: request.items.map((i) => ({ clientIds: i.clientIds, size: i.message.length })) }),
  );
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(head.length, 0);
  return Buffer.concat([length, head, ...request.items.map((i) => i.message)]);
}

export function decodeCaptureRequest(data: Uint8Array): CaptureRequest {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < 4) throw new TypeError('capture request too short');
  const headEnd = 4 + bytes.readUInt32BE(0);
  if (headEnd > bytes.length) throw new TypeError('capture request head past its end');
  const head = parseObject(bytes.subarray(4, headEnd), 'capture request');
  const { replyTo, batch, items } = head;
  if (typeof replyTo !== 'string' || replyTo === '' || !isCount(batch) || !Array.isArray(items)) throw new TypeError('capture request without replyTo, batch or items');
  let at = headEnd;
  const decoded = items.map((item: unknown): CaptureItem => {
    const { clientIds, size } = (item ?? {}) as Record<string, unknown>;
    if (!Array.isArray(clientIds) || !clientIds.every((c) => typeof c === 'string') || !isCount(size)) throw new TypeError('capture request with a malformed item');
    if (at + size > bytes.length) throw new TypeError('capture request item past its end');
    const message = bytes.subarray(at, at + size);
    at += size;
    return { clientIds, message };
  });
  return { replyTo, batch, items: decoded };
}

export function encodeCaptureReply(reply: CaptureReply): Uint8Array {
  return Buffer.from(JSON.stringify({ batch: reply.batch }));
}

export function decodeCaptureReply(data: Uint8Array): CaptureReply {
  const { batch } = parseObject(data, 'capture reply');
  if (!isCount(batch)) throw new TypeError('capture reply without a batch');
  return { batch };
}

/**
 * The bus header a gateway puts on a QoS 1/2 message it also sends in capture
 * requests: for each instance it sends to, the life and the last
 * announcement it had applied, in order, when it matched the message
 * (`key:life:seq`, comma separated). An instance skips the bus copy for the
 * sessions it announced up to that point, since the request brings the
 * message in the gateway's order; the bus copy overtaking a request the
 * gateway is still sending again would break the publisher's order.
 */
export const CAPTURE_STAMP_HEADER = 'mqp-capture';

/** Bus headers as both sides see them (contracts does not depend on the bus lib). */
export type BusHeadersLike = Record<string, string>;

export interface CaptureStampEntry {
  instance: string;
  life: number;
  seq: number;
}

export function formatCaptureStamp(entries: CaptureStampEntry[]): string {
  return entries.map((e) => `${captureInstanceKey(e.instance)}:${e.life}:${e.seq}`).join(',');
}

/** The announcement of `instance` that a stamp says its gateway had applied; undefined when the stamp does not name it (or is malformed). */
export function stampedAnnouncement(stamp: string | undefined, instance: string): { life: number; seq: number } | undefined {
  if (!stamp) return undefined;
  const key = captureInstanceKey(instance);
  for (const entry of stamp.split(',')) {
    const [k, life, seq] = entry.split(':');
    if (k !== key) continue;
    const parsed = { life: Number(life), seq: Number(seq) };
    return isCount(parsed.life) && isCount(parsed.seq) ? parsed : undefined;
  }
  return undefined;
}

function parseObject(data: Uint8Array, what: string): Record<string, unknown> {
  const raw: unknown = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError(`${what} is not an object`);
  return raw as Record<string, unknown>;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isCapturedSession(s: unknown): s is CapturedSession {
  if (typeof s !== 'object' || s === null) return false;
  const { clientId, filters } = s as Record<string, unknown>;
  return typeof clientId === 'string' && Array.isArray(filters) && filters.every((f) => typeof f === 'string');
}
