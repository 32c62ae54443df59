/** The JSON Patch (RFC 6902) the injector emits: only `add`, which is all it needs, and an applier for `weftctl inject` and tests. */

export interface AddOp {
  op: 'add';
  path: string;
  value: unknown;
}

/** A JSON Pointer token, escaped (`/` -> `~1`, `~` -> `~0`). */
export function pointerToken(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Applies `ops` to a deep copy of `doc` and returns it; a path through something missing throws. */
export function applyPatch<T>(doc: T, ops: readonly AddOp[]): T {
  const root = structuredClone(doc) as unknown;
  for (const op of ops) {
    const tokens = op.path.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = tokens.pop();
    if (last === undefined) throw new Error(`patch path "${op.path}" is the whole document`);
    let parent = root as Record<string, unknown>;
    for (const t of tokens) {
      const next = parent[t];
      if (next === null || typeof next !== 'object') throw new Error(`patch path "${op.path}": nothing at "${t}"`);
      parent = next as Record<string, unknown>;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`patch path "${op.path}": bad array index`);
      parent.splice(index, 0, structuredClone(op.value));
    } else {
      parent[last] = structuredClone(op.value);
    }
  }
  return root as T;
}
