import WebSocket from 'ws';
import type { PlatformProcess } from '@mqp/testing';

/**
 * Give this to a deployment's `env` to measure its processes' live heap with `liveHeapBytes`: each Node process
 * opens the V8 inspector on a free loopback port and logs its address.
 */
export const INSPECTABLE_ENV = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

/** The part of a DevTools protocol reply read here (`Runtime.evaluate` with `returnByValue`). */
type InspectorReply = { result?: { result?: { value?: unknown } } };

/**
 * The bytes a process's JS heap still holds after a full garbage collection: what it retains, as opposed to RSS,
 * which also counts garbage V8 has not collected yet and heap it grew and keeps (tens of MB that come and go
 * with the collector's timing, so an RSS bound cannot tell a leak from a heap that is merely large).
 */
export async function liveHeapBytes(proc: PlatformProcess): Promise<number> {
  const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(proc.logs())?.[1];
  if (!url) throw new Error(`${proc.name} has no inspector: start it with INSPECTABLE_ENV`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  try {
    let nextId = 0;
    const call = (method: string, params: object = {}): Promise<InspectorReply> =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        const onMessage = (data: WebSocket.RawData): void => {
          const reply = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
          if (reply.id !== id) return;
          ws.off('message', onMessage);
          if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
          else resolve(reply as InspectorReply);
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method, params }));
      });
    await call('HeapProfiler.collectGarbage');
    const reply = await call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
    const bytes = reply.result?.result?.value;
    if (typeof bytes !== 'number') throw new Error(`${proc.name}: no heap figure in ${JSON.stringify(reply)}`);
    return bytes;
  } finally {
    ws.close();
  }
}
