/** Forwarding core (b): node:http server, node:http client with a keep-alive Agent. */
import { Agent, request } from 'node:http';
import { endToEndHeaders } from './hop-by-hop.js';
import { failForward, type Core } from './core.js';

export const nodeHttpCore: Core = (upstream) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  return {
    handle(req, res) {
      const upstreamReq = request(
        { agent, host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers: endToEndHeaders(req.headers) },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, endToEndHeaders(upstreamRes.headers));
          upstreamRes.on('error', (err) => res.destroy(err)).pipe(res);
        },
      );
      upstreamReq.on('error', (err) => failForward(res, err));
      req.on('error', () => upstreamReq.destroy()).pipe(upstreamReq);
    },
    close: () => agent.destroy(),
  };
};
