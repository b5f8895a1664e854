import { context, INVALID_SPAN_CONTEXT, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { errorCodeOf } from '@mqp/model';

export { SpanKind };
export type { Context, Span };

/** The platform's tracer; spans are dropped unless an app started the SDK. */
export function tracer(): Tracer {
  return trace.getTracer('mqp');
}

/** The provider the API falls back to while nothing registered one. */
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();
/** What `fn` gets while tracing is off: a span that records nothing. */
const UNTRACED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether a tracer provider is registered (the SDK started, or a test set
 * one). Without it every span is a no-op, and the per-message path skips
 * making them: spans and context switches that record nothing were a few
 * per cent of a gateway's CPU (docs/benchmarks.md).
 */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

/**
 * Runs `fn` inside a new active span, ends it, and records a thrown error as
 * the span's status (the one place errors map to span status).
 */
export function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  if (tracingEnabled()) return inSpan(name, options, fn);
  try {
    return Promise.resolve(fn(UNTRACED));
  } catch (err) {
    return Promise.reject(err);
  }
}

async function inSpan<T>(
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
