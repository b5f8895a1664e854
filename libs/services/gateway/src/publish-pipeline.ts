import { CAPTURE_STAMP_HEADER, encodeMessage, lazyMessage, subjects, type ArrivalPacket } from '@mqp/contracts';
import { isSysTopic } from '@mqp/protocol';
import { contextFromTraceparent, injectHeaders, SpanKind, tracingEnabled, withSpan } from '@mqp/telemetry';
import type { Message } from '@mqp/model';
import type { Connection } from './connection';
import { withDeadline } from './deadline';
import type { GatewayContext } from './gateway-context';
import { authorizeRequest } from './authorize-request';

/**
 * May this connection publish to `topic`? Decisions are cached per
 * connection; a failing auth call counts as a deny (fail closed) and is not
 * cached, so the next PUBLISH asks again.
 */
export async function mayPublish(ctx: GatewayContext, conn: Connection, topic: string): Promise<boolean> {
  // [aedes #597] clients do not publish into `$` topics ($SYS and the platform's own): treated as not authorized
  if (isSysTopic(topic)) return false;
  const cached = conn.authorizations.get(topic);
  if (cached !== undefined) return cached;
  try {
    const req = authorizeRequest(conn, 'publish', topic);
    const { allow } = await withDeadline(ctx.auth.authorize(req), ctx.config.serviceTimeoutMs, 'auth');
    conn.authorizations.set(topic, allow);
    return allow;
  } catch (err) {
    ctx.logger.warn('authorization failed: denying publish', { clientId: conn.clientId, topic, error: err });
    return false;
  }
}

export interface RouteResult {
  /** False when the retained store refused or could not be reached (the live delivery still happened). */
  retained: boolean;
  /** Split mode, QoS 1/2 for offline persistent sessions: settles once the session service stored it (CaptureConfirmations). */
  captured?: Promise<void>;
  /** The bus encoding, with `captured`: what to withdraw if the publisher is not acknowledged after all. */
  encoded?: Uint8Array;
}

/**
 * Runs the handling of one PUBLISH (authorization, retained store, bus)
 * inside its `mqtt publish` span, so the auth and router calls (gRPC in split
 * mode) and the receiving gateways' spans all join one trace. The parent is
 * the MQTT 5 `traceparent` user property when the client sent one.
 */
export function withPublishSpan<T>(traceparent: string | undefined, fn: () => Promise<T>): Promise<T> {
  return withSpan('mqtt publish', { kind: SpanKind.SERVER, parent: contextFromTraceparent(traceparent) }, fn);
}

/**
 * Puts an accepted message on its way: the retained store first when RETAIN
 * is set (awaited, so a QoS 1 PUBACK means it is stored), then the bus
 * subject of its topic with the active trace context in the headers.
 */
export async function routeMessage(ctx: GatewayContext, message: Message): Promise<RouteResult> {
  let retained = true;
  if (message.retain) {
    try {
      await withDeadline(ctx.router.retain(message), ctx.config.serviceTimeoutMs, 'router');
    } catch (err) {
      retained = false;
      ctx.logger.warn('retained message not stored', { topic: message.topic, error: err });
    }
  }
  return putOnBus(ctx, message, retained);
}

/**
 * The bus part of routeMessage, synchronous: a message without RETAIN goes
 * straight here (publishNow, which knows tracing is off and says so: asking
 * OpenTelemetry costs a global lookup per message, and hands over the packet
 * the message arrived in for local subscribers to forward).
 */
export function putOnBus(ctx: GatewayContext, message: Message, retained: boolean, traced = tracingEnabled(), arrival?: ArrivalPacket): RouteResult {
  // the trace context, when there is one to carry: without tracing a message has no headers to build
  let headers = traced ? injectHeaders({}) : undefined;
  // split mode: a QoS 1/2 message for offline sessions also goes to their session service, after its bus copy
  const capture = message.qos > 0 ? ctx.captures?.match(message.topic) : undefined;
  if (!capture) {
    ctx.bus.publish(subjects.message(message.topic), lazyMessage(message, arrival), headers);
    ctx.metrics.received.inc();
    return { retained };
  }
  // the confirmation carries the very bytes the bus does, so they are made once, here
  const encoded = encodeMessage(message);
  (headers ??= {})[CAPTURE_STAMP_HEADER] = capture.stamp;
  ctx.bus.publish(subjects.message(message.topic), encoded, headers);
  ctx.metrics.received.inc();
  const captured = ctx.captures!.confirm(capture, encoded);
  // awaited only after the bus settled: a refusal meanwhile is not an unhandled rejection
  captured.catch(() => undefined);
  return { retained, captured, encoded };
}
