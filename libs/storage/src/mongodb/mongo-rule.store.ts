import type { Collection } from 'mongodb';
import type { RuleDocument, RuleStore } from '../rule.store';

/** A rule as JSON text: rule documents may hold keys MongoDB refuses (`$x`, `a.b`). */
export interface RuleRecord {
  _id: string;
  json: string;
}

/** Integration rules in MongoDB by id. */
export class MongoRuleStore implements RuleStore {
  constructor(private readonly collection: Collection<RuleRecord>) {}

  async get(id: string): Promise<RuleDocument | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? (JSON.parse(doc.json) as RuleDocument) : undefined;
  }

  async put(rule: RuleDocument): Promise<void> {
    await this.collection.replaceOne({ _id: rule.id }, { json: JSON.stringify(rule) }, { upsert: true });
  }

  async delete(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  async list(): Promise<RuleDocument[]> {
    return (await this.collection.find().toArray()).map((doc) => JSON.parse(doc.json) as RuleDocument);
  }
}
