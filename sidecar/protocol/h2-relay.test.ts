import { once } from 'node:events';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { relayBody } from './h2-relay.js';

describe('relayBody', () => {
  it('stops reading while the destination is full, and delivers every byte in order', async () => {
    const source = new PassThrough({ highWaterMark: 16 });
    const received: Buffer[] = [];
    const pending: (() => void)[] = [];
    // A destination that holds each write until released: its buffer fills after 4 bytes.
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        pending.push(done);
      },
    });
    relayBody(source, slow);
    for (let i = 0; i < 10; i++) source.write(Buffer.from(`chunk-${i};`));
    source.end();
    await new Promise((r) => setImmediate(r));
    expect(source.isPaused()).toBe(true);
    expect(received.length).toBe(1);
    while (!slow.writableFinished) {
      pending.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(Buffer.concat(received).toString()).toBe(Array.from({ length: 10 }, (_, i) => `chunk-${i};`).join(''));
  });

  it('ends the destination when the source ends, and writes nothing to a destroyed one', async () => {
    const to = new PassThrough();
    relayBody(Readable.from([Buffer.from('a'), Buffer.from('b')]), to);
    const chunks: Buffer[] = [];
    to.on('data', (c: Buffer) => chunks.push(c));
    await once(to, 'end');
    expect(Buffer.concat(chunks).toString()).toBe('ab');

    const source = new PassThrough();
    const gone = new PassThrough();
    gone.destroy();
    relayBody(source, gone);
    source.end(Buffer.from('late'));
    await once(source, 'end');
    expect(gone.writableEnded).toBe(false);
  });
});
