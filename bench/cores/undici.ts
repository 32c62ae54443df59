/** Forwarding core (c): node:http server, undici Pool as the upstream client. */
import { Pool } from 'undici';
import { endToEndHeaders } from './hop-by-hop.js';
import { failForward, type Core } from './core.js';

export const undiciCore: Core = (upstream) => {
  const pool = new Pool(`http://${upstream.host}:${upstream.port}`, { connections: 256, pipelining: 1 });
  return {
    handle(req, res) {
      const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
      pool
        .request({
          method: req.method as 'GET',
          path: req.url ?? '/',
          headers: endToEndHeaders(req.headers) as Record<string, string>,
          body: hasBody ? req : null,
        })
        .then(({ statusCode, headers, body }) => {
          res.writeHead(statusCode, endToEndHeaders(headers));
          body.on('error', (err) => res.destroy(err)).pipe(res);
        })
        .catch((err: unknown) => failForward(res, err));
    },
    close: () => pool.destroy(),
  };
};
