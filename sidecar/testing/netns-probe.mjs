// Run inside a network namespace that has only loopback (sidecar/routing/open-proxy.test.ts):
// starts a bystander TCP listener on 127.0.0.2:80 that no request may reach, a known upstream on
// 127.0.0.2:8081, and a DNS listener on 127.0.0.2:53 (the namespace's resolv.conf points there)
// that counts queries; runs the built sidecar with a config that knows only the upstream; sends
// open-proxy attempts and a control request; prints what each side saw as one JSON line.
// Usage: node netns-probe.mjs <dist/sidecar/main.js> <config.yaml>
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { createServer as createHttpServer } from 'node:http';
import { readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const [main, config] = process.argv.slice(2);
const seen = { bystander: 0, upstream: [], dnsQueries: 0 };

const bystander = createServer((s) => {
  seen.bystander++;
  s.destroy();
});
const upstream = createHttpServer((req, res) => {
  seen.upstream.push(req.url);
  res.end('ok');
});
const dns = createSocket('udp4');
dns.on('message', () => seen.dnsQueries++);
await new Promise((r) => bystander.listen(80, '127.0.0.2', r));
await new Promise((r) => upstream.listen(8081, '127.0.0.2', r));
await new Promise((r) => dns.bind(53, '127.0.0.2', r));

const sidecar = spawn(process.execPath, [main, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const ready = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`sidecar not ready in 15 s: ${log}`)), 15_000);
  const onData = (d) => {
    log += d;
    if (log.includes('weft-sidecar ready')) {
      clearTimeout(timer);
      resolve();
    }
  };
  sidecar.stdout.on('data', onData);
  sidecar.stderr.on('data', onData);
});

/** One raw request on its own connection; the status line's code, or 0 when none came within 5 s. */
function send(raw) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 15001 }, () => socket.write(raw));
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('data', (d) => (text += d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d{3})[^]*?x-weft-error: (\S+)/i.exec(text) ?? /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve(m ? `${m[1]}${m[2] ? ` ${m[2]}` : ''}` : '0');
    });
  });
}

const attempts = {
  'host 127.0.0.2': 'GET / HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: close\r\n\r\n',
  'host 127.0.0.2 as one number': 'GET / HTTP/1.1\r\nHost: 2130706434:80\r\nConnection: close\r\n\r\n',
  'absolute-form to 127.0.0.2': 'GET http://127.0.0.2/ HTTP/1.1\r\nHost: known\r\nConnection: close\r\n\r\n',
  'absolute-form to a name': 'GET http://attacker.example/ HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n',
  'host that is a name': 'GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n',
  // The sidecar's own outbound listener, spelled so that a string comparison misses it.
  'self as 127.1': 'GET / HTTP/1.1\r\nHost: 127.1:15001\r\nConnection: close\r\n\r\n',
  'self as mapped IPv6': 'GET / HTTP/1.1\r\nHost: [::ffff:127.0.0.1]:15001\r\nConnection: close\r\n\r\n',
  'self as 0x7f.1': 'GET http://0x7f.1:15001/ HTTP/1.1\r\nHost: 0x7f.1:15001\r\nConnection: close\r\n\r\n',
};
/** The sidecar process's open file descriptors. */
const sidecarFds = () => readdirSync(`/proc/${sidecar.pid}/fd`).length;
const results = {};
try {
  await ready;
  const fds = { before: sidecarFds(), most: 0 };
  for (const [name, raw] of Object.entries(attempts)) {
    results[name] = await send(raw);
    fds.most = Math.max(fds.most, sidecarFds());
  }
  const dnsAfterAttempts = seen.dnsQueries;
  // Controls: the sidecar can reach 127.0.0.2 for a known service, and the DNS listener does see queries.
  results.control = await send('GET /known HTTP/1.1\r\nHost: known:8081\r\nConnection: close\r\n\r\n');
  await lookup('control.example').catch(() => undefined);
  console.log(JSON.stringify({ results, fds, bystander: seen.bystander, upstream: seen.upstream, dnsAfterAttempts, dnsAfterControl: seen.dnsQueries }));
} finally {
  sidecar.kill('SIGKILL');
  bystander.close();
  upstream.close();
  dns.close();
}
