/**
 * A tree of topic names, one node per level, holding one value per topic.
 * It answers "which stored topics match this filter" by walking the filter's
 * levels down the tree, so a narrow filter touches only its branch instead of
 * every stored topic (a wildcard subscribe over 100,000 retained topics must
 * stay fast). This is the mirror image of the subscription TopicTrie in
 * @mqp/protocol, which stores filters and is queried with a topic.
 */
interface TopicNode<T> {
  // Levels come from client-controlled topics: a Map, never a plain object.
  readonly children: Map<string, TopicNode<T>>;
  value: T | undefined;
  hasValue: boolean;
}

function newNode<T>(): TopicNode<T> {
  return { children: new Map(), value: undefined, hasValue: false };
}

export class RetainedTopicTree<T> {
  private readonly root: TopicNode<T> = newNode();
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(topic: string, value: T): void {
    let node = this.root;
    for (const level of topic.split('/')) {
      let child = node.children.get(level);
      if (!child) {
        child = newNode();
        node.children.set(level, child);
      }
      node = child;
    }
    if (!node.hasValue) this.count++;
    node.value = value;
    node.hasValue = true;
  }

  get(topic: string): T | undefined {
    let node: TopicNode<T> | undefined = this.root;
    for (const level of topic.split('/')) {
      node = node.children.get(level);
      if (!node) return undefined;
    }
    return node.hasValue ? node.value : undefined;
  }

  /** Removes the topic's value and prunes the branch nodes it leaves empty, so deleted topics cost no memory. */
  delete(topic: string): boolean {
    const levels = topic.split('/');
    const path: TopicNode<T>[] = [this.root];
    let node: TopicNode<T> = this.root;
    for (const level of levels) {
      const child = node.children.get(level);
      if (!child) return false;
      path.push(child);
      node = child;
    }
    if (!node.hasValue) return false;
    node.value = undefined;
    node.hasValue = false;
    this.count--;
    for (let i = levels.length; i > 0; i--) {
      const current = path[i]!;
      if (current.hasValue || current.children.size > 0) break;
      path[i - 1]!.children.delete(levels[i - 1]!);
    }
    return true;
  }

  /** Values of every stored topic the (valid) filter matches, in no particular order. */
  match(filter: string): T[] {
    const levels = filter.split('/');
    const out: T[] = [];
    // An explicit stack instead of recursion: filters may have many levels.
    const stack: { node: TopicNode<T>; depth: number }[] = [{ node: this.root, depth: 0 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      if (depth === levels.length) {
        if (node.hasValue) out.push(node.value as T);
        continue;
      }
      const level = levels[depth]!;
      // [MQTT-4.7.2-1] a filter starting with a wildcard does not match topics starting with '$'
      const skipDollar = depth === 0;
      if (level === '#') {
        // [MQTT-4.7.1-2] '#' matches the parent level too: `a/#` matches `a`
        if (depth > 0 && node.hasValue) out.push(node.value as T);
        for (const [name, child] of node.children) {
          if (skipDollar && name.startsWith('$')) continue;
          this.collectAll(child, out);
        }
      } else if (level === '+') {
        for (const [name, child] of node.children) {
          if (skipDollar && name.startsWith('$')) continue;
          stack.push({ node: child, depth: depth + 1 });
        }
      } else {
        const child = node.children.get(level);
        if (child) stack.push({ node: child, depth: depth + 1 });
      }
    }
    return out;
  }

  private collectAll(start: TopicNode<T>, out: T[]): void {
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.hasValue) out.push(node.value as T);
      for (const child of node.children.values()) stack.push(child);
    }
  }
}
