import { describe, expect, it } from 'vitest';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { ProxyResponse } from '../pipeline/types.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { errorVerdict, grpcStatusName, headVerdict, trailersVerdict, type TryVerdict } from './try-outcome.js';

const codes = ['UNAVAILABLE', 'INTERNAL'];
const grpcHead = { 'content-type': 'application/grpc' };

function settled(res: ProxyResponse): Promise<TryVerdict> {
  return new Promise((resolve) => trailersVerdict(res, codes, resolve));
}

describe('try outcome', () => {
  it('reads grpc-status values by name and refuses malformed ones', () => {
    expect(grpcStatusName('14')).toBe('UNAVAILABLE');
    expect(grpcStatusName(['0'])).toBe('OK');
    expect(grpcStatusName('x')).toBeUndefined();
    expect(grpcStatusName('99')).toBeUndefined();
    expect(grpcStatusName(undefined)).toBeUndefined();
  });

  it('judges HTTP at the headers: 5xx fails, anything else succeeds', () => {
    expect(headVerdict(fakeResponse(503), codes)).toEqual({ kind: 'failure', cause: '5xx' });
    expect(headVerdict(fakeResponse(404), codes)).toEqual({ kind: 'success' });
    expect(headVerdict(fakeResponse(200, [], {}, {}), codes)).toEqual({ kind: 'success' });
  });

  it('judges a trailers-only gRPC response by its status, and a listed status only as a failure', () => {
    expect(headVerdict(fakeResponse(200, [], { ...grpcHead, 'grpc-status': '14' }), codes)).toEqual({ kind: 'failure', cause: 'grpc:UNAVAILABLE' });
    expect(headVerdict(fakeResponse(200, [], { ...grpcHead, 'grpc-status': '5' }), codes)).toEqual({ kind: 'success' });
    expect(headVerdict(fakeResponse(200, [], { ...grpcHead, 'grpc-status': '0' }), codes)).toEqual({ kind: 'success' });
  });

  it('waits for the trailers of a gRPC response with a body, and is neutral when none came', async () => {
    expect(headVerdict(fakeResponse(200, ['msg'], grpcHead, { 'grpc-status': '13' }), codes)).toBeUndefined();
    expect(await settled(fakeResponse(200, ['msg'], grpcHead, { 'grpc-status': '13' }))).toEqual({ kind: 'failure', cause: 'grpc:INTERNAL' });
    expect(await settled(fakeResponse(200, ['msg'], grpcHead, { 'grpc-status': '0' }))).toEqual({ kind: 'success' });
    expect(await settled(fakeResponse(200, ['msg'], grpcHead, {}))).toEqual({ kind: 'neutral' });
    const failed = fakeResponse(200, ['msg'], grpcHead);
    failed.trailers = Promise.reject(new Error('stream reset'));
    expect(await settled(failed)).toEqual({ kind: 'neutral' });
  });

  it('judges errors by whose fault they were: the timeout behind an aborted signal, never a client leaving', () => {
    const live = new AbortController().signal;
    expect(errorVerdict(new WeftError(ErrorCodes.CONNECT_FAILED, 'refused'), live)).toEqual({ kind: 'failure', cause: 'connect-failure' });
    expect(errorVerdict(new WeftError(ErrorCodes.UPSTREAM_RESET, 'reset'), live)).toEqual({ kind: 'failure', cause: 'reset' });
    expect(errorVerdict(new WeftError(ErrorCodes.FAULT_INJECTED, 'abort'), live)).toEqual({ kind: 'neutral' });
    expect(errorVerdict(new Error('untyped'), live)).toEqual({ kind: 'neutral' });
    const timedOut = new AbortController();
    timedOut.abort(new WeftError(ErrorCodes.PER_TRY_TIMEOUT, 'slow'));
    expect(errorVerdict(new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'), timedOut.signal)).toEqual({ kind: 'failure', cause: 'timeout' });
    const clientGone = new AbortController();
    clientGone.abort(new WeftError(ErrorCodes.BAD_REQUEST, 'client went away'));
    expect(errorVerdict(new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'), clientGone.signal)).toEqual({ kind: 'neutral' });
  });
});
