import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of one second of the rate, then refuses until time refills it', () => {
    let now = 0;
    const bucket = new TokenBucket(3, undefined, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 334; // one token back after a third of a second at 3/s
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10_000; // never more than the burst
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('never refuses with rate 0 (no limit)', () => {
    const bucket = new TokenBucket(0, undefined, () => 0);
    for (let i = 0; i < 10_000; i++) expect(bucket.take()).toBe(true);
  });
});
