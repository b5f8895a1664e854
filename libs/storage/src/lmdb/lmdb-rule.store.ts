import type { Database } from 'lmdb';
import type { RuleDocument, RuleStore } from '../rule.store';

/** Integration rules in LMDB as JSON text by id, so a document comes back exactly as JSON keeps it. */
export class LmdbRuleStore implements RuleStore {
  constructor(private readonly db: Database<string, string>) {}

  async get(id: string): Promise<RuleDocument | undefined> {
    const json = this.db.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as RuleDocument);
  }

  async put(rule: RuleDocument): Promise<void> {
    await this.db.put(rule.id, JSON.stringify(rule));
  }

  async delete(id: string): Promise<void> {
    await this.db.remove(id);
  }

  async list(): Promise<RuleDocument[]> {
    return [...this.db.getRange()].map(({ value }) => JSON.parse(value) as RuleDocument);
  }
}
