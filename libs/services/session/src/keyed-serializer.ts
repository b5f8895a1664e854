/**
 * Runs async tasks one at a time per key, in call order; tasks of different
 * keys run concurrently. Two CONNECTs racing for one client id are thus
 * decided one after the other, the later call winning. Keys are dropped once
 * their queue is empty, so cycling through client ids does not grow memory.
 */
export class KeyedSerializer {
  // Keyed by client id, a client-controlled string: a Map.
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // A failed task must not block the ones queued behind it.
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks (tests check nothing is left behind). */
  get size(): number {
    return this.tails.size;
  }
}
