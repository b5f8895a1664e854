import { ReasonCode } from '@mqp/protocol';
import type { IPublishPacket } from 'mqtt-packet';

/**
 * MQTT 5 Topic Aliases (MQTT 5.0 §3.3.2.3.4), both directions. An alias is an
 * integer standing for a topic, scoped to one network connection
 * [MQTT-3.3.2-7]; each direction has its own mapping and its own maximum (the
 * receiver's Topic Alias Maximum).
 */

export interface AliasRefusal {
  reasonCode: number;
  reason: string;
}

/**
 * Resolves the Topic Alias of a client PUBLISH in place: an alias with a topic
 * (re)defines the mapping, an alias with an empty topic is replaced by the
 * topic it stands for. `aliases` is the connection's inbound map; `maximum`
 * the Topic Alias Maximum this server advertised in CONNACK.
 */
export function resolveInboundAlias(packet: IPublishPacket, aliases: Map<number, string>, maximum: number): AliasRefusal | undefined {
  const alias = packet.properties?.topicAlias;
  if (alias === undefined) return undefined;
  // [MQTT-3.3.2-8] alias 0 is not allowed; [MQTT-3.3.2-9] nor one above the Topic Alias Maximum we sent: DISCONNECT 0x94
  if (alias === 0 || alias > maximum) return { reasonCode: ReasonCode.TopicAliasInvalid, reason: 'topic_alias_invalid' };
  if (packet.topic.length > 0) {
    // MQTT 5.0 §3.3.2.3.4: a non-empty topic with an alias sets (or replaces) the mapping for this connection
    aliases.set(alias, packet.topic);
    return undefined;
  }
  const topic = aliases.get(alias);
  // MQTT 5.0 §3.3.4: an empty topic with an alias that has no mapping is a Protocol Error
  if (topic === undefined) return { reasonCode: ReasonCode.ProtocolError, reason: 'topic_alias_unknown' };
  packet.topic = topic;
  return undefined;
}

export interface AliasAssignment {
  alias: number;
  /** True when the client already maps `alias` to this topic, so the topic can be left empty. */
  known: boolean;
}

/**
 * The server-to-client aliases of one connection: at most `maximum` (the
 * client's CONNECT Topic Alias Maximum, [MQTT-3.3.2-10] never exceeded),
 * least recently used topic evicted first. The Map's insertion order is the
 * recency order. Topics are client-influenced strings, hence a Map.
 */
export class OutboundTopicAliases {
  private readonly byTopic = new Map<string, number>();
  private nextAlias = 1;
  /** Aliases given back by `forget`, reused before any mapping is evicted. */
  private readonly free: number[] = [];

  constructor(readonly maximum: number) {}

  /** The alias to send `topic` with: its current one, a fresh one, or the least recently used one taken over. */
  assign(topic: string): AliasAssignment {
    const existing = this.byTopic.get(topic);
    if (existing !== undefined) {
      this.byTopic.delete(topic);
      this.byTopic.set(topic, existing);
      return { alias: existing, known: true };
    }
    let alias: number;
    const reused = this.free.pop();
    if (reused !== undefined) {
      alias = reused;
    } else if (this.nextAlias <= this.maximum) {
      alias = this.nextAlias++;
    } else {
      const [oldest, oldAlias] = this.byTopic.entries().next().value as [string, number];
      this.byTopic.delete(oldest);
      alias = oldAlias;
    }
    this.byTopic.set(topic, alias);
    return { alias, known: false };
  }

  /** The packet that would have set the mapping was not sent: forget it so it is never relied on. */
  forget(topic: string): void {
    const alias = this.byTopic.get(topic);
    if (alias === undefined) return;
    this.byTopic.delete(topic);
    this.free.push(alias);
  }

  get size(): number {
    return this.byTopic.size;
  }
}
