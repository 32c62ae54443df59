// The smoke suite's HTTP app: answers every request with who served it, so tests can tell
// replicas apart through a Service.
import http from 'node:http';
import os from 'node:os';

const port = Number(process.env.PORT ?? 8080);
const server = http.createServer((req, res) => {
  const body = JSON.stringify({
    pod: process.env.POD_NAME ?? os.hostname(),
    podIP: process.env.POD_IP ?? null,
    method: req.method,
    path: req.url,
    host: req.headers.host ?? null,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(port, () => process.stdout.write(`echo listening on ${port}\n`));
// Exit promptly on SIGTERM so pod deletion in tests does not wait out the grace period.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
