/**
 * Answers remembered by key, for the hot path's per-topic work (subject
 * mapping, subscription matches): at most `limit` of them, and past that it
 * starts over, so a burst of distinct keys cannot grow memory. Dropping
 * everything is cheap, and the next lookups refill it.
 */
export class BoundedMemo<K, V> {
  private readonly answers = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.answers.size;
  }

  get(key: K): V | undefined {
    return this.answers.get(key);
  }

  set(key: K, value: V): void {
    if (this.answers.size >= this.limit) this.answers.clear();
    this.answers.set(key, value);
  }

  /** Forgets every answer (what they were computed from changed). */
  clear(): void {
    this.answers.clear();
  }
}
