import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { errorCodeOf } from '@mqp/model';

export { SpanKind };
export type { Context, Span };

/** The platform's tracer; spans are dropped unless an app started the SDK. */
export function tracer(): Tracer {
  return trace.getTracer('mqp');
}

/**
 * Runs `fn` inside a new active span, ends it, and records a thrown error as
 * the span's status (the one place errors map to span status).
 */
export async function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    recordError(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export function recordError(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  span.setAttribute('mqp.error.code', errorCodeOf(err));
  if (err instanceof Error) span.recordException(err);
}

/** Runs `fn` with `ctx` active (so calls made inside carry it). */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

export function activeContext(): Context {
  return context.active();
}

export function contextWithSpan(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}
