/**
 * Forwarding core (a): node:http server, the http-proxy library with a keep-alive Agent. http-proxy
 * passes hop-by-hop headers through (the upstream's Keep-Alive reaches the client), so its request
 * and response hooks apply the same filter as the other cores, to keep the comparison fair.
 */
import { Agent } from 'node:http';
import httpProxy from 'http-proxy';
import { endToEndHeaders } from './hop-by-hop.js';
import { failForward, type Core } from './core.js';

export const httpProxyCore: Core = (upstream) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  const proxy = httpProxy.createProxyServer({ target: { host: upstream.host, port: upstream.port }, agent, xfwd: false });
  proxy.on('proxyReq', (proxyReq, req) => {
    const keep = endToEndHeaders(req.headers);
    for (const name of Object.keys(req.headers)) if (!(name in keep)) proxyReq.removeHeader(name);
  });
  proxy.on('proxyRes', (proxyRes) => {
    proxyRes.headers = endToEndHeaders(proxyRes.headers) as typeof proxyRes.headers;
  });
  return {
    handle: (req, res) => proxy.web(req, res, {}, (err) => failForward(res, err)),
    close: () => {
      proxy.close();
      agent.destroy();
    },
  };
};
