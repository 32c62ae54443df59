// Small servers and clients the interception tests start inside network namespaces (plain
// JavaScript, so `node` runs them as they are). Servers print "listening" once bound.
//   tag HOST PORT TEXT           answers each connection with TEXT and closes it
//   redis HOST PORT NAME         answers each PING with +PONG-NAME (a Redis-protocol stand-in)
//   http HOST PORT NAME          answers each request with "NAME host=<Host> from=<client address> xff=<X-Forwarded-For>"
//   peers HOST PORT              answers each connection with the client address it sees
//   connect HOST PORT [SEND]     sends SEND, prints what comes back until the server closes
//   hold HOST PORT SEND          sends SEND, prints each answer as "answer ...", stays open until killed
//   get HOST PORT HOSTHEADER [PATH]  an HTTP GET of PATH (default /) with that Host header; prints "status body"
//   origdst HOST PORT MODULE [N] answers each connection with the JSON of its original destination,
//                                read by MODULE (the built original-destination.js), and the mean
//                                nanoseconds per call over N calls on that socket
import { request, createServer as httpServer } from 'node:http';
import { connect, createServer } from 'node:net';

const [mode, host, portText, arg] = process.argv.slice(2);
const port = Number(portText);
const listening = (server) => server.listen(port, host, () => console.log('listening'));

switch (mode) {
  case 'tag':
    listening(createServer((s) => s.end(`${arg}\n`)));
    break;
  case 'redis':
    listening(
      createServer((s) => {
        s.on('data', (d) => {
          if (d.toString().includes('PING')) s.write(`+PONG-${arg}\r\n`);
        });
        s.on('error', () => s.destroy());
      }),
    );
    break;
  case 'http':
    listening(httpServer((req, res) => res.end(`${arg} host=${req.headers.host} from=${req.socket.remoteAddress} xff=${req.headers['x-forwarded-for']}`)));
    break;
  case 'peers':
    listening(createServer((s) => s.end(`${s.remoteAddress}\n`)));
    break;
  case 'connect':
  case 'hold': {
    const s = connect({ host, port }, () => {
      if (arg) s.write(arg);
    });
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (mode === 'hold') console.log(`answer ${got.trim()}`);
    });
    s.on('end', () => {
      process.stdout.write(got);
      s.end();
    });
    s.on('error', (err) => {
      console.log(`error ${err.code ?? err.message}`);
      process.exitCode = 1;
    });
    break;
  }
  case 'get':
    request({ host, port, path: process.argv[6] ?? '/', headers: { host: arg } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => console.log(`${res.statusCode} ${body}`));
    })
      .on('error', (err) => {
        console.log(`error ${err.code ?? err.message}`);
        process.exitCode = 1;
      })
      .end();
    break;
  case 'origdst': {
    const { loadOriginalDestination } = await import(arg);
    const originalDestination = loadOriginalDestination();
    const repeat = Number(process.argv[6] ?? 1);
    listening(
      createServer((s) => {
        const start = process.hrtime.bigint();
        for (let i = 1; i < repeat; i++) originalDestination(s);
        const original = originalDestination(s) ?? null;
        const nsPerCall = Number(process.hrtime.bigint() - start) / repeat;
        s.end(`${JSON.stringify({ original, nsPerCall })}\n`);
      }),
    );
    break;
  }
  default:
    console.error(`unknown mode ${mode}`);
    process.exitCode = 2;
}
