import { describe, expect, it } from 'vitest';
import type { Route, RouteMatch } from '../../common/config/types.js';
import type { Headers } from '../pipeline/types.js';
import { findRoute } from './match.js';

const route = (name: string, ...matches: Partial<RouteMatch>[]): Route => ({
  name,
  matches: matches.map((m) => ({ headers: [], queryParams: [], ...m })),
  backends: [{ name: 'x', namespace: 'default', port: 80, weight: 1 }],
});
const req = (path: string, method = 'GET', headers: Headers = {}) => ({ method, authority: 'x', path, headers });
const name = (routes: Route[], r: ReturnType<typeof req>): string | undefined => findRoute(routes, r)?.name;

describe('findRoute', () => {
  it('matches exact paths, ignoring the query', () => {
    const routes = [route('exact', { path: { type: 'Exact', value: '/a' } })];
    expect(name(routes, req('/a?x=1'))).toBe('exact');
    expect(name(routes, req('/a/'))).toBeUndefined();
  });

  it('matches path prefixes by whole segment', () => {
    const routes = [route('prefix', { path: { type: 'PathPrefix', value: '/api/' } })];
    expect(name(routes, req('/api'))).toBe('prefix');
    expect(name(routes, req('/api/v1'))).toBe('prefix');
    expect(name(routes, req('/apiv1'))).toBeUndefined();
    expect(name([route('root', { path: { type: 'PathPrefix', value: '/' } })], req('/anything'))).toBe('root');
  });

  it('matches regular expressions against the whole path', () => {
    const routes = [route('re', { path: { type: 'RegularExpression', value: '/items/\\d+' } })];
    expect(name(routes, req('/items/42'))).toBe('re');
    expect(name(routes, req('/items/42/x'))).toBeUndefined();
  });

  it('matches method, headers (exact and regex) and query parameters together', () => {
    const routes = [
      route('all', {
        method: 'POST',
        headers: [{ name: 'x-user', type: 'Exact', value: 'jason' }, { name: 'x-v', type: 'RegularExpression', value: 'v[23]' }],
        queryParams: [{ name: 'debug', type: 'Exact', value: '1' }],
      }),
      route('fallback'),
    ];
    expect(name(routes, req('/?debug=1', 'post', { 'x-user': 'jason', 'x-v': 'v2' }))).toBe('all');
    expect(name(routes, req('/?debug=1', 'GET', { 'x-user': 'jason', 'x-v': 'v2' }))).toBe('fallback');
    expect(name(routes, req('/?debug=1', 'POST', { 'x-user': 'jason', 'x-v': 'v4' }))).toBe('fallback');
    expect(name(routes, req('/?debug=2', 'POST', { 'x-user': 'jason', 'x-v': 'v3' }))).toBe('fallback');
    expect(name(routes, req('/', 'POST', { 'x-v': 'v3' }))).toBe('fallback');
  });

  it('takes the first matching route; a route matches when any of its matches does', () => {
    const routes = [route('a', { path: { type: 'Exact', value: '/a' } }, { path: { type: 'Exact', value: '/b' } }), route('b', { path: { type: 'Exact', value: '/b' } })];
    expect(name(routes, req('/b'))).toBe('a');
    expect(name(routes, req('/c'))).toBeUndefined();
  });
});
