import { context, propagation, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/**
 * Trace context crosses three kinds of hop, each with its own carrier:
 * bus headers (NATS headers / in-process header records), gRPC metadata
 * (see @mqp/grpc), and the MQTT 5 `traceparent` user property. All use the
 * W3C Trace Context format through the globally registered propagator, so
 * they are silent no-ops until an app starts the SDK.
 */
const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const recordGetter: TextMapGetter<Record<string, string> | undefined> = {
  keys: (carrier) => (carrier ? Object.keys(carrier) : []),
  get: (carrier, key) => carrier?.[key],
};

/** Writes the trace context of `ctx` (default: the active one) into a header record. */
export function injectHeaders(headers: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, headers, recordSetter);
  return headers;
}

/** The context carried by a header record, on top of the active one. */
export function extractHeaders(headers: Record<string, string> | undefined): Context {
  return propagation.extract(context.active(), headers, recordGetter);
}

/** The context named by an MQTT 5 `traceparent` user property, if the client sent one. */
export function contextFromTraceparent(traceparent: string | undefined, tracestate?: string): Context {
  if (!traceparent) return context.active();
  const carrier: Record<string, string> = { traceparent };
  if (tracestate) carrier['tracestate'] = tracestate;
  return extractHeaders(carrier);
}

/** The `traceparent` of a context's span, to forward to MQTT 5 subscribers. */
export function traceparentOf(ctx: Context): string | undefined {
  if (!trace.getSpanContext(ctx)) return undefined;
  return injectHeaders({}, ctx)['traceparent'];
}
