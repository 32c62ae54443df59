/**
 * `node dist/e2e/demo/traffic-cli.js`, run by `make demo` inside the cluster's network namespace
 * (where service and pod addresses are reachable): `send URL COUNT CONCURRENCY DEADLINE_MS` sends a
 * bounded number of GETs and prints a JSON line of progress per 50 answers, then one with the
 * totals; `scrape URL...` prints a JSON array of the bodies of the given URLs.
 */
import { get, send } from './traffic.js';

const [mode, ...args] = process.argv.slice(2);
if (mode === 'send') {
  const [url, count, concurrency, deadline] = args;
  const totals = await send(url!, Number(count), Number(concurrency), Number(deadline), (t) => console.log(JSON.stringify({ progress: t })));
  console.log(JSON.stringify({ done: totals }));
} else if (mode === 'scrape') {
  console.log(JSON.stringify(await Promise.all(args.map(async (u) => (await get(u)).body))));
} else {
  console.error('usage: traffic.js send URL COUNT CONCURRENCY DEADLINE_MS | scrape URL...');
  process.exitCode = 2;
}

