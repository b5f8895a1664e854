/**
 * Subscriptions indexed by subject token, NATS style: a literal token, `*`
 * (exactly one token) or `>` (one or more trailing tokens). Matching a
 * subject walks at most one literal and one `*` branch per level, so its cost
 * follows the subject's depth and the number of wildcard paths, not the
 * number of subscriptions (the in-process bus carries every message of
 * standalone mode through it).
 *
 * Tokens are client-influenced (MQTT topic levels), hence `Map`s. Emptied
 * nodes are pruned on removal so subscription churn does not leak memory.
 * Subjects are assumed valid (see subject.ts).
 */
class TrieNode<T> {
  readonly literals = new Map<string, TrieNode<T>>();
  star: TrieNode<T> | undefined;
  /** Values whose subject ends at this node. */
  readonly here = new Set<T>();
  /** Values whose subject is this node's path followed by `>`. */
  readonly rest = new Set<T>();

  isEmpty(): boolean {
    return this.here.size === 0 && this.rest.size === 0 && this.literals.size === 0 && this.star === undefined;
  }
}

export class SubjectTrie<T> {
  private readonly root = new TrieNode<T>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** True when nothing is stored and no node is left behind. */
  isEmpty(): boolean {
    return this.root.isEmpty();
  }

  insert(subject: string, value: T): void {
    const tokens = subject.split('.');
    let node = this.root;
    const last = tokens.length - 1;
    for (let i = 0; i < last; i++) node = child(node, tokens[i] as string);
    const end = tokens[last] as string;
    const set = end === '>' ? node.rest : child(node, end).here;
    if (!set.has(value)) {
      set.add(value);
      this.count++;
    }
  }

  /** Returns whether the value was there. */
  remove(subject: string, value: T): boolean {
    const tokens = subject.split('.');
    const removed = removeAt(this.root, tokens, 0, value);
    if (removed) this.count--;
    return removed;
  }

  /** Every value whose subscription subject matches the (literal) subject, in no particular order. */
  match(subject: string): T[] {
    const out: T[] = [];
    if (this.count > 0) collect(this.root, subject.split('.'), 0, out);
    return out;
  }
}

function child<T>(node: TrieNode<T>, token: string): TrieNode<T> {
  if (token === '*') return (node.star ??= new TrieNode<T>());
  let next = node.literals.get(token);
  if (!next) {
    next = new TrieNode<T>();
    node.literals.set(token, next);
  }
  return next;
}

function removeAt<T>(node: TrieNode<T>, tokens: string[], i: number, value: T): boolean {
  const token = tokens[i] as string;
  if (i === tokens.length - 1 && token === '>') return node.rest.delete(value);
  const next = token === '*' ? node.star : node.literals.get(token);
  if (!next) return false;
  const removed = i === tokens.length - 1 ? next.here.delete(value) : removeAt(next, tokens, i + 1, value);
  if (removed && next.isEmpty()) {
    if (token === '*') node.star = undefined;
    else node.literals.delete(token);
  }
  return removed;
}

function collect<T>(node: TrieNode<T>, tokens: string[], i: number, out: T[]): void {
  // `>` needs at least one more token: `a.>` matches `a.b` but not `a`.
  for (const value of node.rest) out.push(value);
  const token = tokens[i] as string;
  const last = i === tokens.length - 1;
  const literal = node.literals.get(token);
  if (literal) {
    if (last) for (const value of literal.here) out.push(value);
    else collect(literal, tokens, i + 1, out);
  }
  const star = node.star;
  if (star) {
    if (last) for (const value of star.here) out.push(value);
    else collect(star, tokens, i + 1, out);
  }
}
