import { retainedQuery } from './mongo-retained.store';

// The MongoDB contract suite needs a server (MQP_TEST_MONGODB_URI); the query shapes can be checked without one.
describe('retainedQuery', () => {
  it('reads one _id for a filter without wildcards', () => {
    expect(retainedQuery('a/b')).toEqual({ _id: 'a/b' });
  });

  it('reads the _id range of the literal prefix, narrowed by depth and the literal levels after the wildcard', () => {
    expect(retainedQuery('a/b/+/d')).toEqual({
      $and: [{ _id: { $gte: 'a/b/', $lt: 'a/b0' } }, { depth: 4 }, { 'levels.3': 'd' }],
    });
  });

  it("adds the parent topic for '#' [MQTT-4.7.1-2]", () => {
    expect(retainedQuery('a/#')).toEqual({
      $and: [{ $or: [{ _id: { $gte: 'a/', $lt: 'a0' } }, { _id: 'a' }] }, { depth: { $gte: 1 } }],
    });
  });

  it("excludes topics starting with '$' for a filter starting with a wildcard [MQTT-4.7.2-1]", () => {
    expect(retainedQuery('+/x')).toEqual({ $and: [{ _id: { $not: /^\$/ } }, { depth: 2 }, { 'levels.1': 'x' }] });
  });
});
