/** The forwarding cores by name, as the harness and the tests address them. */
import type { Core } from './core.js';
import { httpProxyCore } from './http-proxy.js';
import { nodeHttpCore } from './node-http.js';
import { undiciCore } from './undici.js';

export const CORES: Record<string, Core> = {
  'http-proxy': httpProxyCore,
  'node-http': nodeHttpCore,
  undici: undiciCore,
};
