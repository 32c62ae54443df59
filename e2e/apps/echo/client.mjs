// Run inside a pod: resolves a name through the pod's resolv.conf (CoreDNS) and GETs the URL.
// Prints one JSON line: {host, address, status, body} or {host, error}.
import dns from 'node:dns/promises';
import http from 'node:http';

const url = new URL(process.argv[2] ?? 'http://localhost:8080/');
try {
  const { address } = await dns.lookup(url.hostname, { family: 4 });
  const { status, body } = await new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
  process.stdout.write(JSON.stringify({ host: url.hostname, address, status, body }) + '\n');
} catch (err) {
  process.stdout.write(JSON.stringify({ host: url.hostname, error: String(err) }) + '\n');
  process.exitCode = 1;
}
