/** Sends one request over HTTP/1.1 to an endpoint's keep-alive pool, streaming both bodies. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { endToEndResponseHeaders } from '../protocol/headers.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { upstreamError } from './errors.js';
import type { Http1Pool } from './http1-pool.js';

export interface UpstreamAddress {
  address: string;
  port: number;
  connectMs: number;
}

export async function forwardHttp1(pool: Http1Pool, to: UpstreamAddress, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  const where = `${to.address}:${to.port}`;
  let body: Readable | null = null;
  try {
    if (!req.body.empty) body = req.body.open();
  } catch (err) {
    throw upstreamError(err, where);
  }
  // A body that fails (client gone, 413) fails the try with its own error, not undici's.
  let bodyError: unknown;
  body?.once('error', (err) => (bodyError = err));
  try {
    const res = await pool.poolFor(to.address, to.port, to.connectMs).request({
      method: req.method,
      path: req.path,
      headers: { ...withoutTe(req.headers), host: req.authority },
      body,
      signal: ctx.signal,
    });
    const trailers = new Promise<Headers>((done) => {
      res.body.once('end', () => done(endToEndResponseHeaders(res.trailers as IncomingHttpHeaders)));
      res.body.once('close', () => done({}));
    });
    return { status: res.statusCode, headers: endToEndResponseHeaders(res.headers as IncomingHttpHeaders), body: res.body, trailers };
  } catch (err) {
    if (bodyError) throw upstreamError(bodyError, where);
    if (ctx.signal.aborted) throw upstreamError(ctx.signal.reason ?? new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'), where);
    throw upstreamError(err, where);
  }
}

/** TE: trailers is an HTTP/2 (gRPC) signal; on HTTP/1.1 it would have to be listed in Connection. */
function withoutTe(headers: Headers): Headers {
  if (!('te' in headers)) return headers;
  const { te: _te, ...rest } = headers;
  return rest;
}
