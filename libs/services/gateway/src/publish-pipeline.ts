import { encodeMessage, subjects } from '@mqp/contracts';
import { isSysTopic } from '@mqp/protocol';
import { contextFromTraceparent, contextWithSpan, injectHeaders, recordError, SpanKind, tracer, withContext } from '@mqp/telemetry';
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
}

/**
 * Puts an accepted message on its way: the retained store first when RETAIN
 * is set (awaited, so a QoS 1 PUBACK means it is stored), then the bus
 * subject of its topic with the trace context in the headers. The span's
 * parent is the MQTT 5 `traceparent` user property when the client sent one.
 */
export async function routeMessage(ctx: GatewayContext, message: Message): Promise<RouteResult> {
  const traceparent = message.properties?.userProperties?.find((p) => p[0] === 'traceparent')?.[1];
  const parent = contextFromTraceparent(traceparent);
  const span = tracer().startSpan('mqtt publish', { kind: SpanKind.SERVER }, parent);
  const inSpan = contextWithSpan(span, parent);
  try {
    let retained = true;
    if (message.retain) {
      try {
        // inside the span's context, so the router call (gRPC in split mode) joins the message's trace
        await withContext(inSpan, () => withDeadline(ctx.router.retain(message), ctx.config.serviceTimeoutMs, 'router'));
      } catch (err) {
        retained = false;
        recordError(span, err);
        ctx.logger.warn('retained message not stored', { topic: message.topic, error: err });
      }
    }
    const headers = injectHeaders({}, inSpan);
    ctx.bus.publish(subjects.message(message.topic), encodeMessage(message), headers);
    ctx.metrics.received.inc();
    return { retained };
  } finally {
    span.end();
  }
}
