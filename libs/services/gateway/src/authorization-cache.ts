/**
 * Publish authorization decisions of one connection, keyed by topic. Bounded:
 * a client cycling through topics evicts the oldest decision instead of
 * growing memory (a Map keeps insertion order, so the first key is the oldest).
 */
export class AuthorizationCache {
  /** Created by the first decision: one cache per connection, and most idle devices never publish (issue 6). */
  private decisions: Map<string, boolean> | undefined;

  /**
   * The topic asked last and its decision: a device publishing to its topic
   * again and again is answered without hashing the name (the decoder gives
   * it the same string object each time, so the comparison is one pointer).
   */
  private lastTopic: string | undefined;
  private lastDecision: boolean | undefined;

  constructor(private readonly capacity: number) {}

  get(topic: string): boolean | undefined {
    if (topic === this.lastTopic) return this.lastDecision;
    const decision = this.decisions?.get(topic);
    this.lastTopic = topic;
    this.lastDecision = decision;
    return decision;
  }

  set(topic: string, allow: boolean): void {
    // a decision made or evicted here may be the one remembered
    this.lastTopic = undefined;
    const decisions = (this.decisions ??= new Map());
    if (decisions.has(topic)) decisions.delete(topic);
    else if (decisions.size >= this.capacity) {
      const oldest = decisions.keys().next();
      if (!oldest.done) decisions.delete(oldest.value);
    }
    decisions.set(topic, allow);
  }

  get size(): number {
    return this.decisions?.size ?? 0;
  }
}
