/**
 * A Prometheus histogram whose series count on the request path in plain numbers, formatted by
 * prom-client's registry only when Prometheus scrapes.
 *
 * prom-client's Histogram checks, sorts and joins every label into a hash string on each `observe`
 * (about 3 µs per request with the eight labels of weft_request_duration_seconds). Here the caller
 * looks its series up once (the metrics layer keeps it on the cached label set, series-labels.ts)
 * and an observation is a bucket search and three additions. The exposition is prom-client's own:
 * `get()` returns the values its Histogram would, and the registry prints them.
 */
import type { Registry } from 'prom-client';

export type HistogramLabels = Record<string, string>;

/** One line of the exposition, as prom-client's metrics hand them to the registry. */
interface ExposedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/** The counts of one label set. `buckets[i]` counts values in (bounds[i-1], bounds[i]]; the last slot, those above every bound. */
export class HistogramSeries {
  readonly buckets: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: HistogramLabels,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.buckets[i]!++;
    this.sum += value;
    this.count++;
  }
}

export interface SeriesHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

export class SeriesHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: readonly number[];
  /** By the label values joined: equal label sets share one series, and it outlives any cache of the caller's. */
  private readonly all = new Map<string, HistogramSeries>();

  constructor(options: SeriesHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = options.buckets;
    // The registry only asks a metric for name, get() and reset(); its types list prom-client's own classes.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The series of `labels`, to keep and observe into: the same object for equal label values. */
  series(labels: HistogramLabels): HistogramSeries {
    const key = Object.values(labels).join('\u0001');
    let series = this.all.get(key);
    if (!series) this.all.set(key, (series = new HistogramSeries({ ...labels }, this.bounds)));
    return series;
  }

  /** What prom-client's Histogram returns: cumulative buckets with `le`, then +Inf, _sum and _count, per series. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: ExposedValue[] }> {
    const values: ExposedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.all.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({ labels: { ...s.labels, le }, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: bucket });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Zeroes every series in place: callers keep the series objects they looked up. */
  reset(): void {
    for (const s of this.all.values()) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
