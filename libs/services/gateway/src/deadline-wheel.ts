/** Where an entry sits on a DeadlineWheel; kept on the entry itself, so the wheel needs no map or timer per entry. */
export interface WheelEntry {
  /** The slot of its deadline, -1 when it has none. */
  wheelSlot: number;
  /** Its position in that slot's list. */
  wheelIndex: number;
}

/** The mark of entries whose slot is being emptied, until their callback runs. */
const FIRING = -2;

/**
 * One timer for many coarse deadlines (CONNECT timeouts, keepalives): a
 * deadline goes into the slot of `slotMs` it falls in, and one interval
 * empties the slots that are due. A Node Timeout per idle connection cost
 * about 170 bytes with its arguments (issue 6: memory per connection); here
 * an entry costs two numbers and an array slot. `due` runs at the deadline or
 * up to one slot later, never before; scheduling an entry again replaces its
 * deadline, and cancelling is O(1) (the last entry of the slot takes its
 * place).
 */
export class DeadlineWheel<T extends WheelEntry> {
  private readonly slots = new Map<number, T[]>();
  private timer: NodeJS.Timeout | undefined;
  /** The last slot emptied. */
  private swept: number;

  constructor(
    private readonly due: (entry: T) => void,
    private readonly slotMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    this.swept = Math.floor(this.now() / slotMs);
  }

  /** Entries with a deadline. */
  get size(): number {
    let n = 0;
    for (const entries of this.slots.values()) n += entries.length;
    return n;
  }

  schedule(entry: T, at: number): void {
    this.cancel(entry);
    // the first slot that ends at or after `at`, and never one already swept (it would not be looked at again)
    const slot = Math.max(Math.ceil(at / this.slotMs), this.swept + 1);
    let entries = this.slots.get(slot);
    if (entries === undefined) {
      entries = [];
      this.slots.set(slot, entries);
    }
    entry.wheelSlot = slot;
    entry.wheelIndex = entries.length;
    entries.push(entry);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.slotMs);
      // the wheel never keeps the process alive on its own
      this.timer.unref();
    }
  }

  cancel(entry: T): void {
    const slot = entry.wheelSlot;
    // (a due entry not yet called back is cancelled too: it is no longer FIRING)
    entry.wheelSlot = -1;
    if (slot < 0) return;
    const entries = this.slots.get(slot);
    if (entries === undefined) return;
    const last = entries.pop() as T;
    if (last !== entry) {
      entries[entry.wheelIndex] = last;
      last.wheelIndex = entry.wheelIndex;
    }
    if (entries.length === 0) this.slots.delete(slot);
  }

  /** Drops every deadline (the gateway stopped). */
  clear(): void {
    for (const entries of this.slots.values()) for (const e of entries) e.wheelSlot = -1;
    this.slots.clear();
    this.stopTimer();
  }

  private sweep(): void {
    const current = Math.floor(this.now() / this.slotMs);
    const from = this.swept + 1;
    this.swept = current;
    if (current - from < this.slots.size) {
      for (let slot = from; slot <= current; slot++) this.fire(slot);
    } else {
      // a long stall (or a clock jump): look at the slots that exist rather than every slot in between
      for (const slot of [...this.slots.keys()]) if (slot <= current) this.fire(slot);
    }
    if (this.slots.size === 0) this.stopTimer();
  }

  private fire(slot: number): void {
    const entries = this.slots.get(slot);
    if (entries === undefined) return;
    this.slots.delete(slot);
    for (const entry of entries) entry.wheelSlot = FIRING;
    for (const entry of entries) {
      // an earlier callback may have rescheduled or cancelled this one
      if (entry.wheelSlot !== FIRING) continue;
      entry.wheelSlot = -1;
      this.due(entry);
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
