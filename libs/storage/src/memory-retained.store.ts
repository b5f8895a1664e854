import type { Message } from '@mqp/model';
import type { RetainedStore } from './retained.store';
import { RetainedTopicTree } from './retained-topic-tree';

/** In-memory RetainedStore, indexed by a topic tree so filter matching walks only the matching branches. */
export class MemoryRetainedStore implements RetainedStore {
  private readonly tree = new RetainedTopicTree<Message>();

  async set(message: Message): Promise<void> {
    this.tree.set(message.topic, message);
  }

  async delete(topic: string): Promise<void> {
    this.tree.delete(topic);
  }

  async get(topic: string): Promise<Message | undefined> {
    return this.tree.get(topic);
  }

  async match(filter: string): Promise<Message[]> {
    return this.tree.match(filter);
  }

  async count(): Promise<number> {
    return this.tree.size;
  }
}
