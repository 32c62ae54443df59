/**
 * undici's Pool without the rest of undici. `import { Pool } from 'undici'` also loads fetch,
 * WebSocket, the caches, the mocks and the interceptors, none of which the sidecar uses: about
 * 9 MB of a static sidecar's idle RSS (docs/decisions/0260). undici's own index adds the request
 * API (request, stream, pipeline, upgrade, connect) to the Dispatcher prototype; so does this
 * module, which is all the index does for a Pool. Plain imports (not a createRequire) so the
 * sidecar's bundle (docs/decisions/0280) carries these files and nothing else of undici. The
 * version is pinned in package-lock.json, and sidecar/upstream/http1.test.ts forwards through this Pool.
 */
import type { Pool as UndiciPool } from 'undici';
import requestApi from 'undici/lib/api/index.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import UndiciPoolClass from 'undici/lib/dispatcher/pool.js';

if (!('request' in Dispatcher.prototype)) Object.assign(Dispatcher.prototype, requestApi);

export const Pool = UndiciPoolClass;
export type Pool = UndiciPool;
