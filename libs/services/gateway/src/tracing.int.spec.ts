import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { closeClient, connectClient, nextMessage, startTestGateway, type TestGateway } from './gateway.test-harness';

describe('gateway tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tg: TestGateway;

  beforeAll(() => {
    // as the SDK sets up an app: the active context follows async calls, so the auth/router calls join the span
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });

  afterAll(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(async () => {
    exporter.reset();
    tg = await startTestGateway();
  });

  afterEach(() => tg.stop());

  it('continues the publisher traceparent through the bus and forwards the deliver span to MQTT 5 subscribers', async () => {
    const sub = await connectClient(tg, { clientId: 'sub', protocolVersion: 5 });
    const pub = await connectClient(tg, { clientId: 'pub', protocolVersion: 5 });
    try {
      await sub.subscribeAsync('traced');
      const authorizeTraceIds: (string | undefined)[] = [];
      tg.auth.authorizeImpl = async () => {
        authorizeTraceIds.push(trace.getActiveSpan()?.spanContext().traceId);
        return true;
      };
      const received = nextMessage(sub);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const publisherSpanId = '00f067aa0ba902b7';
      await pub.publishAsync('traced', 'x', {
        qos: 1,
        properties: { userProperties: { before: 'a', traceparent: `00-${traceId}-${publisherSpanId}-01`, after: 'b' } },
      });
      const { packet } = await received;
      const spans = exporter.getFinishedSpans();
      const publishSpan = spans.find((s) => s.name === 'mqtt publish');
      const deliverSpan = spans.find((s) => s.name === 'mqtt deliver');
      expect(publishSpan?.kind).toBe(SpanKind.SERVER);
      expect(publishSpan?.spanContext().traceId).toBe(traceId);
      expect(publishSpan?.parentSpanContext?.spanId).toBe(publisherSpanId);
      // the publish authorization ran inside the message's trace (in split mode: the gRPC call to auth)
      expect(authorizeTraceIds).toEqual([traceId]);
      expect(deliverSpan?.kind).toBe(SpanKind.CONSUMER);
      expect(deliverSpan?.parentSpanContext?.spanId).toBe(publishSpan?.spanContext().spanId);
      // the subscriber sees the same user properties, with traceparent naming the deliver span
      expect(packet.properties?.userProperties).toEqual({
        before: 'a',
        traceparent: `00-${traceId}-${deliverSpan?.spanContext().spanId}-01`,
        after: 'b',
      });
    } finally {
      await closeClient(sub);
      await closeClient(pub);
    }
  });
});
