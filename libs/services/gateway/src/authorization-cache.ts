/**
 * Publish authorization decisions of one connection, keyed by topic. Bounded:
 * a client cycling through topics evicts the oldest decision instead of
 * growing memory (a Map keeps insertion order, so the first key is the oldest).
 */
export class AuthorizationCache {
  /** Created by the first decision: one cache per connection, and most idle devices never publish (issue 6). */
  private decisions: Map<string, boolean> | undefined;

  constructor(private readonly capacity: number) {}

  get(topic: string): boolean | undefined {
    return this.decisions?.get(topic);
  }

  set(topic: string, allow: boolean): void {
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
