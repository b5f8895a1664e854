/**
 * Answers remembered by key, for the hot path's per-topic work (subject
 * mapping, subscription matches): at most `limit` of them, and past that it
 * starts over, so a burst of distinct keys cannot grow memory. Dropping
 * everything is cheap, and the next lookups refill it.
 */
export class BoundedMemo<K, V> {
  private readonly answers = new Map<K, V>();
  /**
   * The last answer given or stored, and its key: a device streaming to one
   * topic asks the same key again and again, and a pointer comparison (the
   * decoders hand out one string object for a repeated topic) costs less
   * than a hash lookup.
   */
  private hasLast = false;
  private lastKey: K | undefined;
  private lastValue: V | undefined;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.answers.size;
  }

  get(key: K): V | undefined {
    if (this.hasLast && key === this.lastKey) return this.lastValue;
    const value = this.answers.get(key);
    if (value !== undefined) this.remember(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.answers.size >= this.limit) this.answers.clear();
    this.answers.set(key, value);
    this.remember(key, value);
  }

  /** Forgets every answer (what they were computed from changed). */
  clear(): void {
    this.answers.clear();
    this.hasLast = false;
    this.lastKey = undefined;
    this.lastValue = undefined;
  }

  private remember(key: K, value: V): void {
    this.hasLast = true;
    this.lastKey = key;
    this.lastValue = value;
  }
}
