/**
 * A token bucket: `rate` tokens a second, holding at most `burst` (one
 * second's worth unless told). Rate 0 means no limit. Used for the
 * per-listener CONNECT rate and the per-client PUBLISH rate (EMQX
 * `max_conn_rate` / `messages_rate`).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    private readonly rate: number,
    burst?: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = burst ?? Math.max(1, rate);
    this.tokens = this.burst;
    this.last = now();
  }

  /** Takes one token; false when none is left (the caller refuses). */
  take(): boolean {
    if (this.rate <= 0) return true;
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
