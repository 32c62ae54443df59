// The demo application of `make demo`: one small HTTP service, run as productpage, reviews (two
// versions) and ratings. It answers JSON with its name, version and pod, and, when CALLS is set,
// with what the next services answered. It calls them by plain URL (http://reviews:9080/): in a
// meshed pod the sidecar intercepts the call, so the app knows nothing of the mesh. Tracing and
// request-id headers are copied from the incoming request to the outgoing calls, as an app must
// for one trace across services. FAIL_EVERY=n answers every n-th request with a 503.
import http from 'node:http';
import os from 'node:os';

const name = process.env.SERVICE_NAME ?? 'app';
const version = process.env.SERVICE_VERSION ?? 'v1';
const port = Number(process.env.PORT ?? 9080);
const calls = (process.env.CALLS ?? '').split(',').filter(Boolean);
const failEvery = Number(process.env.FAIL_EVERY ?? 0);
const FORWARDED = ['traceparent', 'tracestate', 'x-request-id', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'b3'];
let served = 0;

function call(url, incoming) {
  const headers = {};
  for (const h of FORWARDED) if (incoming.headers[h]) headers[h] = incoming.headers[h];
  return new Promise((resolve) => {
    const req = http.get(url, { headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve({ url, status: res.statusCode, error: res.headers['x-weft-error'] ?? body.slice(0, 200) });
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve({ url, status: res.statusCode, error: 'not JSON' });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ url, error: err.message }));
  });
}

const server = http.createServer((req, res) => {
  served++;
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (failEvery > 0 && served % failEvery === 0) {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ service: name, version, error: 'flaky replica' }));
    return;
  }
  Promise.all(calls.map((url) => call(url, req))).then((next) => {
    const body = JSON.stringify({ service: name, version, pod: process.env.POD_NAME ?? os.hostname(), next });
    const failed = next.some((n) => n.error !== undefined);
    res.writeHead(failed ? 502 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.listen(port, () => process.stdout.write(`${name} ${version} listening on ${port}, calling [${calls.join(', ')}]\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
