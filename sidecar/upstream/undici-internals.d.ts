/** Types for the three undici files sidecar/upstream/undici-pool.ts imports directly (undici types only its index). */
declare module 'undici/lib/api/index.js' {
  const requestApi: object;
  export default requestApi;
}
declare module 'undici/lib/dispatcher/dispatcher.js' {
  const Dispatcher: { prototype: object };
  export default Dispatcher;
}
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}
