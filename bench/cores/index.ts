/** The forwarding cores by name, loaded on demand so a core's process holds only its own client library. */
import type { Core } from './core.js';

export const CORES: Record<string, () => Promise<Core>> = {
  'http-proxy': async () => (await import('./http-proxy.js')).httpProxyCore,
  'node-http': async () => (await import('./node-http.js')).nodeHttpCore,
  undici: async () => (await import('./undici.js')).undiciCore,
};
