/** Golden-file helpers for the injector's tests: a YAML fixture in, the expected JSON out; `WEFT_UPDATE_GOLDEN=1` rewrites them. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Compares `actual` (a string as it is, anything else as pretty JSON) with the golden file, or writes it when asked to. */
export function golden(path: string, actual: unknown): { expected: string; actual: string } {
  const text = typeof actual === 'string' ? actual : `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.WEFT_UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.WEFT_UPDATE_GOLDEN !== '1') throw new Error(`missing golden file ${path}; run with WEFT_UPDATE_GOLDEN=1 to write it`);
    writeFileSync(path, text);
  }
  return { expected: readFileSync(path, 'utf8'), actual: text };
}
