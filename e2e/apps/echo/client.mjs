// Run inside a pod: resolves a name through the pod's resolv.conf (CoreDNS), then GETs the URL
// COUNT times, each on a new connection so kube-proxy picks a backend each time.
// Usage: node client.mjs URL [COUNT]. Prints one JSON line:
//   {host, address, responses: [{status, body}]}  or  {host, error}
import dns from 'node:dns/promises';
import http from 'node:http';

const url = new URL(process.argv[2] ?? 'http://localhost:8080/');
const count = Number(process.argv[3] ?? 1);

function get() {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

try {
  const { address } = await dns.lookup(url.hostname, { family: 4 });
  const responses = [];
  for (let i = 0; i < count; i++) responses.push(await get());
  process.stdout.write(JSON.stringify({ host: url.hostname, address, responses }) + '\n');
} catch (err) {
  process.stdout.write(JSON.stringify({ host: url.hostname, error: String(err) }) + '\n');
  process.exitCode = 1;
}
