/**
 * A trie of MQTT topic filters, one node per level, for matching a topic
 * against many subscriptions in O(levels × wildcard branches) rather than a
 * scan of every filter. Children and values are created lazily so that a
 * leaf costs one small object. Levels are keys of a Map, never of a plain
 * object: a level named `__proto__` is just a level.
 *
 * Filters are plain (strip `$share/{group}/` first) and assumed valid.
 */
interface TrieNode<T> {
  children: Map<string, TrieNode<T>> | undefined;
  values: Set<T> | undefined;
}

function newNode<T>(): TrieNode<T> {
  return { children: undefined, values: undefined };
}

export class TopicTrie<T> {
  private readonly root: TrieNode<T> = newNode();
  private entries = 0;
  private nodes = 1;

  /** Number of (filter, value) pairs stored. */
  get size(): number {
    return this.entries;
  }

  /** Number of trie nodes, root included; shows that removal prunes. */
  get nodeCount(): number {
    return this.nodes;
  }

  /** Adds `value` under `filter`; false if that pair was already there. */
  add(filter: string, value: T): boolean {
    let node = this.root;
    for (const level of filter.split('/')) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (child === undefined) {
        child = newNode();
        node.children.set(level, child);
        this.nodes++;
      }
      node = child;
    }
    node.values ??= new Set();
    if (node.values.has(value)) return false;
    node.values.add(value);
    this.entries++;
    return true;
  }

  /** Removes the pair and prunes nodes left with neither values nor children. */
  remove(filter: string, value: T): boolean {
    const levels = filter.split('/');
    const path: TrieNode<T>[] = [this.root];
    let node = this.root;
    for (const level of levels) {
      const child = node.children?.get(level);
      if (child === undefined) return false;
      path.push(child);
      node = child;
    }
    if (node.values?.delete(value) !== true) return false;
    this.entries--;
    if (node.values.size === 0) node.values = undefined;
    for (let i = levels.length; i > 0; i--) {
      const n = path[i] as TrieNode<T>;
      if (n.values !== undefined || n.children !== undefined) break;
      const parent = path[i - 1] as TrieNode<T>;
      parent.children?.delete(levels[i - 1] as string);
      if (parent.children?.size === 0) parent.children = undefined;
      this.nodes--;
    }
    return true;
  }

  /** The values stored under exactly this filter (no matching). */
  valuesOf(filter: string): ReadonlySet<T> | undefined {
    let node: TrieNode<T> | undefined = this.root;
    for (const level of filter.split('/')) {
      node = node.children?.get(level);
      if (node === undefined) return undefined;
    }
    return node.values;
  }

  /**
   * Every value whose filter matches `topic` (a valid topic name). A value
   * stored under several matching filters appears once per filter: deciding
   * what overlapping subscriptions mean is the caller's job.
   */
  match(topic: string): T[] {
    const out: T[] = [];
    const levels = topic.split('/');
    // [MQTT-4.7.2-1] a '$' topic is not matched by a filter whose first level is a wildcard
    const dollar = topic.charCodeAt(0) === 0x24;
    const stack: TrieNode<T>[] = [this.root];
    const depths: number[] = [0];
    while (stack.length > 0) {
      const node = stack.pop() as TrieNode<T>;
      const depth = depths.pop() as number;
      const children = node.children;
      if (depth === levels.length) {
        if (node.values !== undefined) for (const v of node.values) out.push(v);
      }
      if (children === undefined) continue;
      const wildcardsAllowed = !(dollar && depth === 0);
      if (wildcardsAllowed) {
        // [MQTT-4.7.1-2] '#' matches the parent level and everything below it
        const hash = children.get('#');
        if (hash?.values !== undefined) for (const v of hash.values) out.push(v);
      }
      if (depth === levels.length) continue;
      const level = levels[depth] as string;
      if (wildcardsAllowed) {
        const plus = children.get('+');
        if (plus !== undefined) {
          stack.push(plus);
          depths.push(depth + 1);
        }
      }
      // a topic name never holds wildcards; guard anyway so '+' is not visited twice
      if (level !== '+' && level !== '#') {
        const exact = children.get(level);
        if (exact !== undefined) {
          stack.push(exact);
          depths.push(depth + 1);
        }
      }
    }
    return out;
  }

  /** Every distinct filter stored, in no particular order. */
  filters(): string[] {
    const out: string[] = [];
    const walk = (node: TrieNode<T>, prefix: string | undefined): void => {
      if (node.values !== undefined && prefix !== undefined) out.push(prefix);
      if (node.children === undefined) return;
      for (const [level, child] of node.children) {
        walk(child, prefix === undefined ? level : `${prefix}/${level}`);
      }
    };
    walk(this.root, undefined);
    return out;
  }
}
