import { generate } from 'mqtt-packet';
import { Framer, type FrameHandler } from './framer';
import { PublishTemplate } from './packets';

function recorder(): FrameHandler & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    onPublish: (buf, start, end, qos, id) => events.push(`publish q${qos} id${id} seq${buf.readUInt32LE(start + 8)} len${end - start}`),
    onPuback: (id) => events.push(`puback ${id}`),
    onConnack: (rc) => events.push(`connack ${rc}`),
    onSuback: (id, q) => events.push(`suback ${id} ${q}`),
    onError: (m) => events.push(`error ${m}`),
  };
}

describe('Framer', () => {
  const stream = Buffer.concat([
    generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
    generate({ cmd: 'suback', messageId: 7, granted: [1] }),
    new PublishTemplate('a/b', 1, 3, 200).fill(2, 5, 1.5, () => 42),
    generate({ cmd: 'puback', messageId: 9 }),
  ]);
  const expected = ['connack 0', 'suback 7 1', 'publish q1 id42 seq5 len200', 'publish q1 id42 seq6 len200', 'puback 9'];

  it('reads packets written back to back in one chunk', () => {
    const h = recorder();
    new Framer(h).push(stream);
    expect(h.events).toEqual(expected);
  });

  it('reassembles packets split at every byte boundary', () => {
    const h = recorder();
    const framer = new Framer(h);
    for (let i = 0; i < stream.length; i++) framer.push(stream.subarray(i, i + 1));
    expect(h.events).toEqual(expected);
  });

  it('reports a remaining length longer than four bytes', () => {
    const h = recorder();
    new Framer(h).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect(h.events).toEqual(['error malformed remaining length']);
  });
});
