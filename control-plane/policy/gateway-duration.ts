/** Gateway API durations (GEP-2257): up to four `<n><unit>` parts, e.g. `1h30m`, `2s`, `500ms`. */
const whole = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const part = /([0-9]{1,5})(h|ms|m|s)/g;
const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

export function parseGatewayDuration(v: unknown, path: string): number {
  if (typeof v !== 'string' || !whole.test(v)) throw new Error(`${path}: expected a Gateway API duration such as "10s" or "1m30s", got ${JSON.stringify(v)}`);
  let ms = 0;
  for (const m of v.matchAll(part)) ms += Number(m[1]) * (unitMs[m[2] as string] as number);
  return ms;
}
