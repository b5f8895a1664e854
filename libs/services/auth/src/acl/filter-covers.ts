/**
 * Whether every topic matched by `requestFilter` is also matched by
 * `ruleFilter`, i.e. the request is a subset of the rule. Used for SUBSCRIBE
 * authorization: rule `a/#` covers request `a/b/+`, but rule `a/+` does not
 * cover request `a/#` (it would let the client read `a/b/c`). Both must be
 * valid, non-shared filters.
 */
export function filterCovers(ruleFilter: string, requestFilter: string): boolean {
  const rule = ruleFilter.split('/');
  const req = requestFilter.split('/');
  for (let i = 0; ; i++) {
    const r = rule[i];
    const q = req[i];
    if (r === undefined) return q === undefined;
    // [MQTT-4.7.2-1] a wildcard first level does not match '$' topics, so it covers no request for them
    const dollarFirst = i === 0 && q !== undefined && q.startsWith('$');
    // [MQTT-4.7.1-2] '#' matches the parent level and everything below: it covers any rest, even none
    if (r === '#') return !dollarFirst;
    // The rule needs more levels than the request has: the request matches shorter topics the rule does not.
    if (q === undefined) return false;
    // The request reaches arbitrary depth here; only a rule '#' (handled above) reaches that far.
    if (q === '#') return false;
    if (r === '+') {
      if (dollarFirst) return false;
      continue;
    }
    // A literal rule level covers only the same literal (a request '+' would reach other values).
    if (r !== q) return false;
  }
}
