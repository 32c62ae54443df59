/** The HTTP side of `make demo`: bounded traffic to the demo app, and GETs of sidecars' /metrics. */
import { request } from 'node:http';

export interface Answer {
  status: number;
  body: string;
}

export function get(url: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end();
  });
}

export interface Totals {
  sent: number;
  byStatus: Record<string, number>;
  /** Which reviews version answered productpage, from the bodies of 200s. */
  byVersion: Record<string, number>;
}

/** Sends up to `count` requests, `concurrency` at a time, stopping at the deadline. */
export async function send(url: string, count: number, concurrency: number, deadlineMs: number, progress: (t: Totals) => void): Promise<Totals> {
  const totals: Totals = { sent: 0, byStatus: {}, byVersion: {} };
  const stopAt = performance.now() + deadlineMs;
  let answered = 0;
  const worker = async (): Promise<void> => {
    while (totals.sent < count && performance.now() < stopAt) {
      totals.sent++;
      const res = await get(url);
      totals.byStatus[res.status] = (totals.byStatus[res.status] ?? 0) + 1;
      if (res.status === 200) {
        try {
          const next = (JSON.parse(res.body) as { next?: { service?: string; version?: string }[] }).next?.[0];
          if (next?.service) totals.byVersion[`${next.service}-${next.version}`] = (totals.byVersion[`${next.service}-${next.version}`] ?? 0) + 1;
        } catch {
          // Not the demo app's JSON: counted by status only.
        }
      }
      if (++answered % 50 === 0) progress(totals);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return totals;
}
