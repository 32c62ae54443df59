/**
 * undici's Pool without the rest of undici. `import { Pool } from 'undici'` also loads fetch,
 * WebSocket, the caches, the mocks and the interceptors, none of which the sidecar uses: about
 * 9 MB of a static sidecar's idle RSS (docs/decisions/0260). undici's own index adds the request
 * API (request, stream, pipeline, upgrade, connect) to the Dispatcher prototype; so does this
 * module, which is all the index does for a Pool. The version is pinned in package-lock.json, and
 * sidecar/upstream/http1.test.ts forwards through this Pool.
 */
import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

const require = createRequire(import.meta.url);
const dispatcher = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
if (!('request' in dispatcher.prototype)) Object.assign(dispatcher.prototype, require('undici/lib/api/index.js') as object);

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
