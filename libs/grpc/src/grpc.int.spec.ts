import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InvalidArgumentError, MqpError, ServiceUnavailableError } from '@mqp/model';
import { createServer, type Server } from 'node:net';
import { Metadata } from '@grpc/grpc-js';
import { createChannel, GrpcClient } from './client';
import { checkHealth, healthDefinition, HealthWatcher, type HealthCheckResponse } from './health';
import { GrpcServer } from './server';
import type { GrpcLogger, UnaryMethod } from './grpc.types';

// A service defined by hand with JSON serialization, so these tests exercise
// the server and client alone, without the generated contracts.
interface EchoRequest {
  text: string;
}
function jsonMethod<Req, Res>(path: string): UnaryMethod<Req, Res, Req, Res> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (v) => Buffer.from(JSON.stringify(v)),
    requestDeserialize: (b) => JSON.parse(b.toString()) as Req,
    responseSerialize: (v) => Buffer.from(JSON.stringify(v)),
    responseDeserialize: (b) => JSON.parse(b.toString()) as Res,
  };
}
const echoDefinition = {
  Echo: jsonMethod<EchoRequest, EchoRequest>('/test.v1.Echo/Echo'),
};
const ECHO = 'test.v1.Echo';

const quietLogger: GrpcLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GrpcServer and GrpcClient', () => {
  let server: GrpcServer;
  let client: GrpcClient;
  let address: string;
  let handler: (req: EchoRequest, signal: AbortSignal) => Promise<EchoRequest>;

  beforeEach(async () => {
    handler = async (req) => ({ text: req.text.toUpperCase() });
    server = new GrpcServer({ logger: quietLogger }).addService(echoDefinition, {
      Echo: (req, call) => handler(req, call.signal),
    });
    const port = await server.start({ host: '127.0.0.1', port: 0 });
    address = `127.0.0.1:${port}`;
    client = new GrpcClient(address, { deadlineMs: 2_000 });
  });

  afterEach(async () => {
    client.close();
    await server.stop(1_000);
  });

  it('binds a free port and answers a unary call', async () => {
    expect(address).not.toMatch(/:0$/);
    await expect(client.unary(echoDefinition.Echo, { text: 'hi' })).resolves.toEqual({ text: 'HI' });
  });

  it('delivers an InvalidArgumentError thrown by the handler as InvalidArgumentError', async () => {
    handler = async () => {
      throw new InvalidArgumentError('topic must not be empty');
    };
    const err = await client.unary(echoDefinition.Echo, { text: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as MqpError).message).toContain('topic must not be empty');
  });

  it('delivers a handler bug as INTERNAL without its text', async () => {
    handler = async () => {
      throw new Error('secret detail');
    };
    const err = await client.unary(echoDefinition.Echo, { text: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MqpError);
    expect((err as MqpError).code).toBe('INTERNAL');
    expect((err as MqpError).message).not.toContain('secret detail');
  });

  it('fails with ServiceUnavailableError when a handler hangs past the deadline, and tells the handler', async () => {
    let aborted!: () => void;
    const handlerAborted = new Promise<void>((resolve) => (aborted = resolve));
    handler = (_req, signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          aborted();
          resolve({ text: 'too late' });
        });
      });
    const started = Date.now();
    const err = await client.unary(echoDefinition.Echo, { text: 'x' }, { deadlineMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toContain('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(1_500);
    await handlerAborted;
  });

  it('retries an idempotent call that failed with UNAVAILABLE', async () => {
    let calls = 0;
    handler = async (req) => {
      calls++;
      if (calls < 3) throw new ServiceUnavailableError('store not ready');
      return req;
    };
    await expect(client.unary(echoDefinition.Echo, { text: 'ok' }, { idempotent: true })).resolves.toEqual({ text: 'ok' });
    expect(calls).toBe(3);
  });

  it('does not retry a call that is not idempotent', async () => {
    let calls = 0;
    handler = async () => {
      calls++;
      throw new ServiceUnavailableError('store not ready');
    };
    await expect(client.unary(echoDefinition.Echo, { text: 'x' })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toBe(1);
  });

  it('stops retrying after the last backoff step', async () => {
    let calls = 0;
    handler = async () => {
      calls++;
      throw new ServiceUnavailableError('down');
    };
    await expect(client.unary(echoDefinition.Echo, { text: 'x' }, { idempotent: true })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toBe(4);
  });

  it('reports SERVING for the server and each hosted service, NOT_SERVING when told, false for an unknown service', async () => {
    expect(await checkHealth(address, '')).toBe(true);
    expect(await checkHealth(address, ECHO)).toBe(true);
    server.setServing(ECHO, false);
    expect(await checkHealth(address, ECHO)).toBe(false);
    expect(await checkHealth(address, '')).toBe(true);
    expect(await checkHealth(address, 'no.such.Service')).toBe(false);
  });

  it('streams status changes to a health Watch until the server stops', async () => {
    const channel = createChannel(address);
    const seen: string[] = [];
    try {
      const stream = channel.makeServerStreamRequest(
        healthDefinition.Watch.path,
        healthDefinition.Watch.requestSerialize,
        healthDefinition.Watch.responseDeserialize,
        { service: ECHO },
        new Metadata(),
        {},
      );
      const ended = new Promise<void>((resolve) => stream.on('status', () => resolve()));
      stream.on('error', () => {});
      stream.on('data', (res: HealthCheckResponse) => {
        seen.push(res.status);
        if (seen.length === 1) server.setServing(ECHO, false);
        if (seen.length === 2) void server.stop(1_000);
      });
      await ended;
      expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      channel.close();
    }
  });

  it('HealthWatcher reports a remote service going down', async () => {
    const changes: boolean[] = [];
    let wentDown!: () => void;
    const down = new Promise<void>((resolve) => (wentDown = resolve));
    const watcher = new HealthWatcher({
      target: address,
      service: ECHO,
      intervalMs: 20,
      onChange: (healthy) => {
        changes.push(healthy);
        if (!healthy) wentDown();
      },
    });
    try {
      await watcher.start();
      expect(watcher.healthy()).toBe(true);
      await server.stop(1_000);
      await down;
      expect(watcher.healthy()).toBe(false);
      expect(changes).toEqual([true, false]);
    } finally {
      watcher.stop();
    }
  });
});

describe('GrpcClient against nothing', () => {
  it('fails closed with ServiceUnavailableError within the deadline when nothing listens', async () => {
    const client = new GrpcClient(`127.0.0.1:${await closedPort()}`, { deadlineMs: 1_000 });
    try {
      const started = Date.now();
      await expect(client.unary(echoDefinition.Echo, { text: 'x' }, { idempotent: true })).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(Date.now() - started).toBeLessThanOrEqual(1_200);
    } finally {
      client.close();
    }
  });

  it('checkHealth is false when nothing listens', async () => {
    expect(await checkHealth(`127.0.0.1:${await closedPort()}`, '', { timeoutMs: 500 })).toBe(false);
  });
});

describe('trace propagation', () => {
  const exporter = new InMemorySpanExporter();
  let server: GrpcServer;
  let client: GrpcClient;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    server = new GrpcServer({ logger: quietLogger }).addService(echoDefinition, { Echo: async (req) => req });
    client = new GrpcClient(`127.0.0.1:${await server.start({ host: '127.0.0.1', port: 0 })}`);
  });

  afterAll(async () => {
    client.close();
    await server.stop(1_000);
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('makes the server span a child of the client span, in the same trace', async () => {
    await client.unary(echoDefinition.Echo, { text: 'traced' });
    const spans = exporter.getFinishedSpans();
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(clientSpan?.name).toBe('test.v1.Echo/Echo');
    expect(serverSpan?.name).toBe('test.v1.Echo/Echo');
    expect(serverSpan?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
  });
});
