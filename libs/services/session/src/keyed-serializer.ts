/** Where the tasks of an idle key start: already settled, never rejects. */
const IDLE: Promise<void> = Promise.resolve();

/**
 * Runs async tasks one at a time per key, in call order; tasks of different
 * keys run concurrently. Two CONNECTs racing for one client id are thus
 * decided one after the other, the later call winning. Keys are dropped once
 * their queue is empty, so cycling through client ids does not grow memory.
 */
export class KeyedSerializer {
  // Keyed by client id, a client-controlled string: a Map.
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    // Every CONNECT runs one task: an idle key starts after the one settled promise all share, not one of its own (issue 6).
    const previous = this.tails.get(key) ?? IDLE;
    // A failed task must not block the ones queued behind it.
    const result = previous.then(task, task);
    // Once the task settled, the key is dropped unless another task has queued behind it meanwhile.
    const forget = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const tail = result.then(forget, forget);
    this.tails.set(key, tail);
    return result;
  }

  /** Keys with queued or running tasks (tests check nothing is left behind). */
  get size(): number {
    return this.tails.size;
  }
}
