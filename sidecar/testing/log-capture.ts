/** A pino logger whose JSON lines are parsed into an array, for asserting on log output. */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export function captureLog(level = 'info'): { lines: Record<string, unknown>[]; log: Logger } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, log: pino({ level }, stream) };
}
