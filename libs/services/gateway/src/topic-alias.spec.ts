import type { IPublishPacket } from 'mqtt-packet';
import { OutboundTopicAliases, resolveInboundAlias } from './topic-alias';

function publish(topic: string, topicAlias?: number): IPublishPacket {
  const p: IPublishPacket = { cmd: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: false, dup: false };
  if (topicAlias !== undefined) p.properties = { topicAlias };
  return p;
}

describe('resolveInboundAlias', () => {
  it('sets a mapping with a topic and resolves an empty topic through it', () => {
    const aliases = new Map<number, string>();
    expect(resolveInboundAlias(publish('a/b', 2), aliases, 10)).toBeUndefined();
    const empty = publish('', 2);
    expect(resolveInboundAlias(empty, aliases, 10)).toBeUndefined();
    expect(empty.topic).toBe('a/b');
  });

  it.each([0, 11])('refuses alias %i with 0x94 [MQTT-3.3.2-8] [MQTT-3.3.2-9]', (alias) => {
    expect(resolveInboundAlias(publish('a', alias), new Map(), 10)?.reasonCode).toBe(0x94);
  });

  it('refuses an empty topic with an alias never set as a protocol error (0x82)', () => {
    expect(resolveInboundAlias(publish('', 1), new Map(), 10)?.reasonCode).toBe(0x82);
  });

  it('leaves a PUBLISH without alias alone', () => {
    expect(resolveInboundAlias(publish('a'), new Map(), 0)).toBeUndefined();
  });
});

describe('OutboundTopicAliases', () => {
  it('never uses more than the client maximum and replaces the least recently used [MQTT-3.3.2-10]', () => {
    const out = new OutboundTopicAliases(2);
    expect(out.assign('a')).toEqual({ alias: 1, known: false });
    expect(out.assign('b')).toEqual({ alias: 2, known: false });
    expect(out.assign('a')).toEqual({ alias: 1, known: true });
    expect(out.assign('c')).toEqual({ alias: 2, known: false });
    expect(out.assign('b')).toEqual({ alias: 1, known: false });
    expect(out.size).toBe(2);
  });

  it('reuses the alias of a mapping that was forgotten because its packet was not sent', () => {
    const out = new OutboundTopicAliases(1);
    out.assign('a');
    out.forget('a');
    expect(out.assign('b')).toEqual({ alias: 1, known: false });
    expect(out.assign('b')).toEqual({ alias: 1, known: true });
  });
});
