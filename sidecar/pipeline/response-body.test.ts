import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drain } from '../testing/request-fixtures.js';
import { onBodyDone, onResponseDone } from './response-body.js';

const listenerCount = (body: Readable): number => body.eventNames().reduce((n, e) => n + body.listenerCount(e), 0);

describe('onBodyDone', () => {
  it('calls every watcher once, in the order added, when the body ends, with one set of listeners for all', async () => {
    const body = Readable.from([Buffer.from('abc')]);
    const calls: string[] = [];
    onBodyDone(body, (err) => calls.push(`a:${err === undefined}`));
    const afterOne = listenerCount(body);
    onBodyDone(body, (err) => calls.push(`b:${err === undefined}`));
    onResponseDone({ status: 200, headers: {}, body }, () => calls.push('c'));
    // Later watchers of the same body add no listeners of their own.
    expect(listenerCount(body)).toBe(afterOne);
    await drain(body);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['a:true', 'b:true', 'c']);
  });

  it('passes the error of a body that fails, and calls a watcher added after the end at once', async () => {
    const body = new Readable({ read() {} });
    const errors: (Error | undefined)[] = [];
    onBodyDone(body, (err) => errors.push(err));
    body.destroy(new Error('upstream reset'));
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e?.message)).toEqual(['upstream reset']);
    // Destroyed before the watcher came: called at once, with an error (the body never ended).
    onBodyDone(body, (err) => errors.push(err));
    expect(errors).toHaveLength(2);
    expect(errors[1]).toBeInstanceOf(Error);

    const ended = Readable.from([]);
    await drain(ended);
    let called = 0;
    onResponseDone({ status: 200, headers: {}, body: ended }, () => called++);
    expect(called).toBe(1);
  });
});
