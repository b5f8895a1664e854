import { Histogram } from './histogram';

describe('Histogram', () => {
  it('gives quantiles within 2 % of the exact ones', () => {
    const h = new Histogram();
    for (let i = 1; i <= 10_000; i++) h.record(i / 100); // 0.01 .. 100 ms
    expect(h.quantile(0.5)).toBeGreaterThanOrEqual(50 * 0.98);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(50 * 1.02);
    expect(h.quantile(0.99)).toBeGreaterThanOrEqual(99 * 0.98);
    expect(h.quantile(0.99)).toBeLessThanOrEqual(99 * 1.02);
    expect(h.quantile(1)).toBe(100);
  });

  it('is NaN when empty', () => {
    expect(new Histogram().quantile(0.5)).toBeNaN();
  });
});
