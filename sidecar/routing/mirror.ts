/** Request mirroring: a fire-and-forget copy of a request to another backend; its outcome never reaches the client. */
import { randomUUID } from 'node:crypto';
import type { Handler, ProxyRequest, RequestBody, RequestContext, Target } from '../pipeline/types.js';
import { emptyBody } from '../pipeline/body.js';

/** Upper bound for a mirror that has no request timeout of its own, so a silent backend cannot pin memory. */
const fallbackMirrorTimeoutMs = 15_000;

/**
 * Sends the copy through `next` (the policy layers, balancer and forwarder) with a context of its
 * own. A request with a body is mirrored after the primary finished sending it, from the replay
 * copy; a body too large to keep is not mirrored.
 */
export function sendMirror(next: Handler, req: ProxyRequest, ctx: RequestContext, target: Target, primaryDone: Promise<unknown>): void {
  const run = async (): Promise<void> => {
    let body: RequestBody = emptyBody;
    if (!req.body.empty) {
      await primaryDone.catch(() => undefined);
      if (!req.body.replayable) return;
      body = req.body;
    }
    const abort = new AbortController();
    const timeoutMs = target.service.policy.timeouts.requestMs || fallbackMirrorTimeoutMs;
    const timer = ctx.clock.setTimeout(() => abort.abort(new Error('mirror timeout')), timeoutMs);
    const mirrorCtx: RequestContext = {
      id: randomUUID(),
      direction: ctx.direction,
      clock: ctx.clock,
      log: ctx.log,
      signal: abort.signal,
      target,
      attempt: 0,
      stats: { retries: 0, startedAt: ctx.clock.now() },
    };
    try {
      const res = await next({ ...req, body }, mirrorCtx);
      res.body.on('error', () => undefined);
      res.body.resume();
      await new Promise<void>((resolve) => {
        res.body.once('end', resolve);
        res.body.once('close', resolve);
      });
    } finally {
      timer.cancel();
      abort.abort();
    }
  };
  run().catch((err: unknown) => ctx.log.debug({ err, service: target.service.name }, 'mirror request failed'));
}
