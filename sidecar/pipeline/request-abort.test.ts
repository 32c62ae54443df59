import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Pool } from '../upstream/http1-pool.js';
import { RequestAbort } from './request-abort.js';

describe('RequestAbort', () => {
  it('makes its AbortSignal only when asked, already aborted when the request was', () => {
    const early = new RequestAbort();
    let emitted = 0;
    early.on('abort', () => emitted++);
    early.abort(new Error('client gone'));
    early.abort(new Error('second'));
    expect(emitted).toBe(1);
    expect(early.signal.aborted).toBe(true);
    expect((early.signal.reason as Error).message).toBe('client gone');

    const late = new RequestAbort();
    const signal = late.signal;
    expect(late.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    late.abort(new Error('deadline'));
    expect(signal.aborted).toBe(true);
    expect((late.reason as Error).message).toBe('deadline');
  });

  describe('as the signal undici gets', () => {
    let server: Server | undefined;
    const pools = new Http1Pool();
    afterEach(async () => {
      pools.close();
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    });

    it('aborts a request in flight to an upstream that never answers', async () => {
      let arrived!: () => void;
      const reached = new Promise<void>((r) => (arrived = r));
      server = createServer(() => arrived());
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const abort = new RequestAbort();
      const pending = pools
        .poolFor('127.0.0.1', (server.address() as AddressInfo).port, 1000)
        .request({ method: 'GET', path: '/hang', signal: abort })
        .catch((err: unknown) => err);
      await reached;
      abort.abort(new Error('client closed the connection'));
      expect(((await pending) as Error).message).toBe('client closed the connection');
      expect(abort.listenerCount('abort')).toBe(0);
    });
  });
});
