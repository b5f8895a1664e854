import type { Collection, Filter } from 'mongodb';
import type { Message } from '@mqp/model';
import { topicMatchesFilter } from '@mqp/protocol';
import type { RetainedStore } from '../retained.store';

/** One retained message; `_id` is the topic, so a literal topic prefix is a range of the `_id` index. */
export interface RetainedDocument {
  _id: string;
  /** The topic's levels, for server-side matching of the levels after the first wildcard. */
  levels: string[];
  depth: number;
  message: Message;
}

/**
 * Retained messages in MongoDB. A filter reads the `_id` range of its literal
 * prefix (the levels before the first wildcard: `a/b/+` reads `a/b/` to
 * `a/b0`), the server narrows it further by `depth` and the literal levels
 * after the wildcard, and the exact MQTT match is checked here.
 */
export class MongoRetainedStore implements RetainedStore {
  constructor(private readonly collection: Collection<RetainedDocument>) {}

  static async createIndexes(collection: Collection<RetainedDocument>): Promise<void> {
    // `_id` is indexed already; depth narrows '+' filters within a prefix range
    await collection.createIndex({ depth: 1, _id: 1 });
  }

  async set(message: Message): Promise<void> {
    const levels = message.topic.split('/');
    await this.collection.replaceOne({ _id: message.topic }, { levels, depth: levels.length, message }, { upsert: true });
  }

  async delete(topic: string): Promise<void> {
    await this.collection.deleteOne({ _id: topic });
  }

  async get(topic: string): Promise<Message | undefined> {
    return (await this.collection.findOne({ _id: topic }))?.message;
  }

  async match(filter: string): Promise<Message[]> {
    const out: Message[] = [];
    for await (const doc of this.collection.find(retainedQuery(filter))) {
      if (topicMatchesFilter(doc._id, filter)) out.push(doc.message);
    }
    return out;
  }

  async count(): Promise<number> {
    return this.collection.countDocuments();
  }
}

/** The query that reads (a superset of) the topics `filter` matches; exported for tests. */
export function retainedQuery(filter: string): Filter<RetainedDocument> {
  const levels = filter.split('/');
  const wildcard = levels.findIndex((l) => l === '+' || l === '#');
  if (wildcard < 0) return { _id: filter };
  const and: Filter<RetainedDocument>[] = [];
  if (wildcard > 0) {
    const prefix = `${levels.slice(0, wildcard).join('/')}/`;
    // '0' is the character after '/': every topic starting with prefix sorts before prefix-with-'0'
    const range: Filter<RetainedDocument> = { _id: { $gte: prefix, $lt: `${prefix.slice(0, -1)}0` } };
    // [MQTT-4.7.1-2] '#' matches the parent level too: `a/#` matches `a`
    and.push(levels[wildcard] === '#' ? { $or: [range, { _id: prefix.slice(0, -1) }] } : range);
  } else {
    // [MQTT-4.7.2-1] a filter starting with a wildcard does not match topics starting with '$'
    and.push({ _id: { $not: /^\$/ } });
  }
  const multiLevel = levels[levels.length - 1] === '#';
  and.push({ depth: multiLevel ? { $gte: levels.length - 1 } : levels.length });
  levels.forEach((level, i) => {
    if (i > wildcard && level !== '+' && level !== '#') and.push({ [`levels.${i}`]: level });
  });
  return { $and: and };
}
