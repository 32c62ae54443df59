/**
 * A demo service, run as its own process by `make demo-local`: answers JSON with its name and, when
 * DEMO_CALL is set, what the next service answered (called through its own sidecar's outbound
 * listener by Host, as a meshed app would). DEMO_FAIL_EVERY=n makes every n-th request a 503.
 */
import { createServer, request } from 'node:http';

const name = process.env.DEMO_NAME ?? 'app';
const port = Number(process.env.DEMO_PORT);
const call = process.env.DEMO_CALL;
const proxyPort = Number(process.env.DEMO_PROXY_PORT);
const failEvery = Number(process.env.DEMO_FAIL_EVERY ?? 0);
let served = 0;

function callNext(): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, path: '/', headers: { host: call } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? JSON.parse(body) : { error: res.statusCode, code: res.headers['x-weft-error'] }));
    });
    req.on('error', (err) => resolve({ error: err.message }));
    req.end();
  });
}

const server = createServer((_req, res) => {
  served++;
  if (failEvery > 0 && served % failEvery === 0) {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ service: name, error: 'flaky replica' }));
    return;
  }
  void (async () => {
    const next = call ? await callNext() : undefined;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ service: name, next }));
  })();
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
