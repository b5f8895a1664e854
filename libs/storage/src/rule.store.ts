/** An integration rule: a JSON document the integration service interprets; the store only needs its id. */
export interface RuleDocument {
  id: string;
  [field: string]: unknown;
}

/** Integration rules by id. Documents must be JSON values (what JSON.stringify keeps is what comes back). */
export interface RuleStore {
  get(id: string): Promise<RuleDocument | undefined>;
  /** Inserts or replaces the rule `rule.id`. */
  put(rule: RuleDocument): Promise<void>;
  delete(id: string): Promise<void>;
  list(): Promise<RuleDocument[]>;
}
