import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracingEnabled, withSpan } from './spans';

describe('withSpan', () => {
  afterEach(() => trace.disable());

  it('without a tracer provider runs the function untraced, with its result and its error', async () => {
    expect(tracingEnabled()).toBe(false);
    await expect(withSpan('s', {}, (span) => span.isRecording())).resolves.toBe(false);
    await expect(withSpan('s', {}, async () => 'async result')).resolves.toBe('async result');
    await expect(
      withSpan('s', {}, () => {
        throw new Error('sync failure');
      }),
    ).rejects.toThrow('sync failure');
  });

  it('with a tracer provider records the span, and a thrown error as its status', async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    expect(tracingEnabled()).toBe(true);
    await expect(withSpan('ok', {}, (span) => span.isRecording())).resolves.toBe(true);
    await expect(
      withSpan('failed', {}, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['ok', 'failed']);
    expect(spans[1]!.status.message).toBe('boom');
  });

  it('is off again once the provider is removed', () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    trace.disable();
    expect(tracingEnabled()).toBe(false);
  });
});
