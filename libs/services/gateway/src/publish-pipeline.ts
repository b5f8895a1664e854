import { encodeMessage, subjects } from '@mqp/contracts';
import { isSysTopic } from '@mqp/protocol';
import { contextFromTraceparent, injectHeaders, SpanKind, withSpan } from '@mqp/telemetry';
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
  const encoded = encodeMessage(message);
  ctx.bus.publish(subjects.message(message.topic), encoded, injectHeaders({}));
  ctx.metrics.received.inc();
  const captured = message.qos > 0 ? ctx.captures?.confirm(message.topic, encoded) : undefined;
  return captured ? { retained, captured } : { retained };
}
