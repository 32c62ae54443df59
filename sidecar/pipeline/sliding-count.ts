/** A count of events over a sliding time window, kept in a fixed number of buckets (constant memory). */
export class SlidingCount {
  private readonly bucketMs: number;
  private readonly counts: number[];
  /** Index (time / bucketMs) of the newest bucket. */
  private head = 0;

  constructor(
    readonly windowMs: number,
    buckets = 10,
  ) {
    this.bucketMs = Math.max(1, windowMs / buckets);
    this.counts = new Array<number>(buckets).fill(0);
  }

  add(now: number, n = 1): void {
    const index = this.advance(now);
    this.counts[index % this.counts.length]! += n;
  }

  total(now: number): number {
    this.advance(now);
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** Zero the buckets that slid out of the window since the last call; returns the current index. */
  private advance(now: number): number {
    const index = Math.floor(now / this.bucketMs);
    if (index > this.head) {
      const stale = Math.min(this.counts.length, index - this.head);
      for (let i = 1; i <= stale; i++) this.counts[(this.head + i) % this.counts.length] = 0;
      this.head = index;
    }
    return this.head;
  }
}
