import {
  decodeCaptureInterest,
  decodeCaptureReply,
  decodeCaptureRequest,
  encodeCaptureInterest,
  encodeCaptureReply,
  encodeCaptureRequest,
  type CaptureInterest,
} from './capture-confirmation';
import { subjects } from './subjects';

describe('confirmed capture messages', () => {
  it('round-trip an announcement', () => {
    const interest: CaptureInterest = { instance: 'host:7001', life: 1_764_000_000_000, seq: 3, kind: 'delta', set: [{ clientId: 'car-7', filters: ['fleet/+/cmd', '#'] }], drop: ['car-8'] };
    expect(decodeCaptureInterest(encodeCaptureInterest(interest))).toEqual(interest);
  });

  it('round-trip a request whose messages are arbitrary bytes, each with its client ids', () => {
    const items = [
      { clientIds: ['a', 'b'], message: Buffer.from([0, 255, 1]) },
      { clientIds: [], message: Buffer.alloc(0) },
      { clientIds: ['c'], message: Buffer.from('{"not":"json"') },
    ];
    const decoded = decodeCaptureRequest(encodeCaptureRequest({ replyTo: 'mqp.gw.gw1.capture-ack', batch: 42, items }));
    expect(decoded.replyTo).toBe('mqp.gw.gw1.capture-ack');
    expect(decoded.batch).toBe(42);
    expect(decoded.items.map((i) => [i.clientIds, Buffer.from(i.message)])).toEqual(items.map((i) => [i.clientIds, i.message]));
    expect(decodeCaptureReply(encodeCaptureReply({ batch: 42 }))).toEqual({ batch: 42 });
  });

  it('reject malformed input from the shared bus', () => {
    expect(() => decodeCaptureInterest(Buffer.from('[]'))).toThrow(TypeError);
    expect(() => decodeCaptureInterest(Buffer.from('{"instance":"i","life":1,"seq":1,"kind":"other","set":[],"drop":[]}'))).toThrow(/kind/);
    expect(() => decodeCaptureInterest(Buffer.from('{"instance":"i","life":1,"seq":1,"kind":"full","set":[{"clientId":1}],"drop":[]}'))).toThrow(/set/);
    expect(() => decodeCaptureRequest(Buffer.from([0, 0]))).toThrow(/too short/);
    expect(() => decodeCaptureRequest(Buffer.from([0, 0, 0, 99, 123]))).toThrow(/past its end/);
    const truncated = Buffer.from(encodeCaptureRequest({ replyTo: 'r', batch: 1, items: [{ clientIds: ['a'], message: Buffer.from('hello') }] }));
    expect(() => decodeCaptureRequest(truncated.subarray(0, truncated.length - 1))).toThrow(/past its end/);
    expect(() => decodeCaptureReply(Buffer.from('{"batch":-1}'))).toThrow(/batch/);
  });

  it('give each instance its own request subject, one token whatever its name', () => {
    const subject = subjects.captureRequests('host.example.com:7001 *>');
    expect(subject).toMatch(/^mqp\.session\.capture\.req\.[0-9a-f]{16}$/);
    expect(subjects.captureRequests('other')).not.toBe(subject);
  });
});
