import type { RuleDocument, RuleStore } from './rule.store';

/** In-memory RuleStore. Documents go through JSON so they come back as the durable adapters return them. */
export class MemoryRuleStore implements RuleStore {
  // Keyed by rule id: a Map.
  private readonly rules = new Map<string, string>();

  async get(id: string): Promise<RuleDocument | undefined> {
    const json = this.rules.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as RuleDocument);
  }

  async put(rule: RuleDocument): Promise<void> {
    this.rules.set(rule.id, JSON.stringify(rule));
  }

  async delete(id: string): Promise<void> {
    this.rules.delete(id);
  }

  async list(): Promise<RuleDocument[]> {
    return [...this.rules.values()].map((json) => JSON.parse(json) as RuleDocument);
  }
}
