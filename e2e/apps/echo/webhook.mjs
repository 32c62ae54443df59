// The smoke suite's admission webhook (HTTPS, key pair mounted at /tls):
//   /mutate   adds the annotation e2e.weft.dev/mutated=<webhook pod> to every pod it is sent
//   /validate denies pods labelled e2e.weft.dev/deny=true
import https from 'node:https';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const port = Number(process.env.PORT ?? 8443);
const tlsDir = process.env.TLS_DIR ?? '/tls';

function review(request, response) {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, ...response } };
}

function mutate(request) {
  const pod = request.object;
  const value = process.env.POD_NAME ?? os.hostname();
  const patch = pod.metadata?.annotations
    ? [{ op: 'add', path: '/metadata/annotations/e2e.weft.dev~1mutated', value }]
    : [{ op: 'add', path: '/metadata/annotations', value: { 'e2e.weft.dev/mutated': value } }];
  return review(request, {
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
  });
}

function validate(request) {
  const denied = request.object?.metadata?.labels?.['e2e.weft.dev/deny'] === 'true';
  return review(request, denied
    ? { allowed: false, status: { code: 403, message: 'denied by the e2e validating webhook' } }
    : { allowed: true });
}

const server = https.createServer(
  { cert: readFileSync(`${tlsDir}/tls.crt`), key: readFileSync(`${tlsDir}/tls.key`) },
  (req, res) => {
    if (req.url === '/healthz') {
      res.end('ok');
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        const { request } = JSON.parse(body);
        const handler = req.url?.startsWith('/mutate') ? mutate : req.url?.startsWith('/validate') ? validate : null;
        if (!handler || !request) {
          res.writeHead(404).end();
          return;
        }
        const out = JSON.stringify(handler(request));
        res.writeHead(200, { 'content-type': 'application/json' }).end(out);
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  },
);
server.listen(port, () => process.stdout.write(`webhook listening on ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
