/** Applies a route's request/response header changes (set, add, remove), Gateway API semantics. */
import type { HeaderModifier } from '../../common/config/types.js';
import type { Headers } from '../pipeline/types.js';

export function applyHeaderModifier(headers: Headers, mod: HeaderModifier | undefined): Headers {
  if (!mod) return headers;
  const out: Headers = { ...headers };
  for (const { name, value } of mod.set) out[name] = value;
  for (const { name, value } of mod.add) {
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  for (const name of mod.remove) delete out[name.toLowerCase()];
  return out;
}
