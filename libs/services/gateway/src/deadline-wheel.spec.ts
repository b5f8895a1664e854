import { DeadlineWheel, type WheelEntry } from './deadline-wheel';

interface Item extends WheelEntry {
  name: string;
}

const item = (name: string): Item => ({ name, wheelSlot: -1, wheelIndex: 0 });

describe('DeadlineWheel', () => {
  let clock: number;
  let fired: { name: string; at: number }[];
  let wheel: DeadlineWheel<Item>;
  let onDue: (entry: Item) => void;

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 10_000;
    fired = [];
    onDue = (e) => fired.push({ name: e.name, at: clock });
    wheel = new DeadlineWheel<Item>((e) => onDue(e), 100, () => clock);
  });

  afterEach(() => {
    wheel.clear();
    jest.useRealTimers();
  });

  /** Moves the injected clock and the fake timers together, in steps of `step` ms. */
  function advance(ms: number, step = 10): void {
    for (let t = 0; t < ms; t += step) {
      clock += step;
      jest.advanceTimersByTime(step);
    }
  }

  it('calls back at the deadline or within one slot after it, never before', () => {
    wheel.schedule(item('a'), 10_250);
    wheel.schedule(item('b'), 10_300);
    advance(240);
    expect(fired).toEqual([]);
    advance(160);
    expect(fired.map((f) => f.name)).toEqual(['a', 'b']);
    expect(fired[0]!.at).toBeGreaterThanOrEqual(10_250);
    expect(fired[0]!.at).toBeLessThanOrEqual(10_350);
    expect(fired[1]!.at).toBeGreaterThanOrEqual(10_300);
    expect(fired[1]!.at).toBeLessThanOrEqual(10_400);
  });

  it('replaces a deadline when the entry is scheduled again', () => {
    const a = item('a');
    wheel.schedule(a, 10_200);
    wheel.schedule(a, 10_600);
    advance(500);
    expect(fired).toEqual([]);
    advance(200);
    expect(fired.map((f) => f.name)).toEqual(['a']);
    expect(wheel.size).toBe(0);
  });

  it('never calls back a cancelled entry, and keeps the others of its slot', () => {
    const entries = ['a', 'b', 'c', 'd'].map(item);
    for (const e of entries) wheel.schedule(e, 10_150);
    wheel.cancel(entries[1]!);
    wheel.cancel(entries[1]!);
    expect(wheel.size).toBe(3);
    advance(300);
    expect(fired.map((f) => f.name).sort()).toEqual(['a', 'c', 'd']);
  });

  it('skips an entry that an earlier callback of the same slot cancelled or rescheduled', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(item) as [Item, Item, Item];
    onDue = (e) => {
      fired.push({ name: e.name, at: clock });
      if (e === a) {
        wheel.cancel(b);
        wheel.schedule(c, clock + 500);
      }
    };
    for (const e of [a, b, c]) wheel.schedule(e, 10_100);
    advance(200);
    expect(fired.map((f) => f.name)).toEqual(['a']);
    advance(600);
    expect(fired.map((f) => f.name)).toEqual(['a', 'c']);
  });

  it('calls back a deadline already past at the next sweep', () => {
    wheel.schedule(item('late'), 5_000);
    advance(100);
    expect(fired.map((f) => f.name)).toEqual(['late']);
  });

  it('catches up after a stall longer than many slots', () => {
    wheel.schedule(item('a'), 10_200);
    wheel.schedule(item('b'), 50_000);
    // the event loop was blocked: the clock jumps, then one sweep runs
    clock += 30_000;
    jest.advanceTimersByTime(100);
    expect(fired.map((f) => f.name)).toEqual(['a']);
    clock = 50_000;
    jest.advanceTimersByTime(100);
    expect(fired.map((f) => f.name)).toEqual(['a', 'b']);
  });

  it('runs its timer only while it holds deadlines', () => {
    expect(jest.getTimerCount()).toBe(0);
    const a = item('a');
    wheel.schedule(a, 10_500);
    expect(jest.getTimerCount()).toBe(1);
    wheel.cancel(a);
    advance(100);
    expect(jest.getTimerCount()).toBe(0);
  });
});
