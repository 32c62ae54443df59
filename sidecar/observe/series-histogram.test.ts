import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesHistogram } from './series-histogram.js';

const buckets = [0.001, 0.01, 0.1, 1];
const a = { direction: 'outbound', destination_service: 'reviews', status_class: '2xx' };
const b = { direction: 'outbound', destination_service: 'ratings', status_class: '5xx' };
// On a bound, between bounds, above every bound, zero.
const observations: [Record<string, string>, number][] = [[a, 0.001], [a, 0.005], [a, 0.05], [a, 7], [b, 0], [b, 0.1], [a, 0.0004]];

/** Every exposed sample as `name{sorted labels} value`, sorted: the label order within a line is not meaningful. */
async function samples(registry: Registry): Promise<string[]> {
  const lines: string[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values as { labels: Record<string, unknown>; value: number; metricName?: string }[]) {
      const labels = Object.entries(v.labels).map(([k, x]) => `${k}=${String(x)}`).sort().join(',');
      lines.push(`${v.metricName ?? metric.name}{${labels}} ${v.value}`);
    }
  }
  return lines.sort();
}

describe('SeriesHistogram', () => {
  it("exposes what prom-client's Histogram exposes for the same observations", async () => {
    const reference = new Registry();
    const theirs = new Histogram({ name: 'weft_test_seconds', help: 'h', labelNames: Object.keys(a), buckets, registers: [reference] });
    const registry = new Registry();
    const ours = new SeriesHistogram({ name: 'weft_test_seconds', help: 'h', buckets, registers: [registry] });
    for (const [labels, value] of observations) {
      theirs.observe(labels, value);
      ours.series(labels).observe(value);
    }
    const expected = await samples(reference);
    expect(expected).toHaveLength(2 * (buckets.length + 3));
    expect(await samples(registry)).toEqual(expected);
    // The text format too, line for line once each line's labels are put in one order.
    const normalise = (text: string): string[] =>
      text
        .split('\n')
        .map((line) => line.replace(/\{(.*)\}/, (_m, inner: string) => `{${inner.split(',').sort().join(',')}}`))
        .sort();
    expect(normalise(await registry.metrics())).toEqual(normalise(await reference.metrics()));
  });

  it('gives equal label values one series, and a reset keeps the series callers hold', async () => {
    const registry = new Registry();
    const histogram = new SeriesHistogram({ name: 'weft_test_seconds', help: 'h', buckets, registers: [registry] });
    const held = histogram.series(a);
    expect(histogram.series({ ...a })).toBe(held);
    expect(histogram.series(b)).not.toBe(held);
    held.observe(0.5);
    histogram.reset();
    held.observe(0.002);
    expect((await samples(registry)).filter((l) => l.includes('reviews') && !l.includes('le='))).toEqual([
      'weft_test_seconds_count{destination_service=reviews,direction=outbound,status_class=2xx} 1',
      'weft_test_seconds_sum{destination_service=reviews,direction=outbound,status_class=2xx} 0.002',
    ]);
  });
});
