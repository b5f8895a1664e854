/**
 * Publish authorization decisions of one connection, keyed by topic. Bounded:
 * a client cycling through topics evicts the oldest decision instead of
 * growing memory (a Map keeps insertion order, so the first key is the oldest).
 */
export class AuthorizationCache {
  private readonly decisions = new Map<string, boolean>();

  constructor(private readonly capacity: number) {}

  get(topic: string): boolean | undefined {
    return this.decisions.get(topic);
  }

  set(topic: string, allow: boolean): void {
    if (this.decisions.has(topic)) this.decisions.delete(topic);
    else if (this.decisions.size >= this.capacity) {
      const oldest = this.decisions.keys().next();
      if (!oldest.done) this.decisions.delete(oldest.value);
    }
    this.decisions.set(topic, allow);
  }

  /** Forgets every decision (the auth rules changed). */
  clear(): void {
    this.decisions.clear();
  }

  get size(): number {
    return this.decisions.size;
  }
}
