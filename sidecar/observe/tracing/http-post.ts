/** POSTs a JSON document to a collector over a keep-alive agent, with a timeout; rejects on non-2xx. */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface JsonPoster {
  post(body: string, signal: AbortSignal): Promise<void>;
  close(): void;
}

export function jsonPoster(url: string, timeoutMs: number): JsonPoster {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const send = https ? httpsRequest : httpRequest;
  return {
    post: (body, signal) =>
      new Promise<void>((resolve, reject) => {
        const req = send(target, { method: 'POST', agent, signal, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`collector answered ${status}`));
          });
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`collector did not answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
