import { describe, expect, it } from 'vitest';
import { endToEndHeaders } from './hop-by-hop.js';

describe('endToEndHeaders', () => {
  it('drops hop-by-hop headers and the ones Connection names, keeps the rest', () => {
    expect(
      endToEndHeaders({ connection: 'close, X-Secret', 'x-secret': '1', 'keep-alive': 'timeout=5', te: 'trailers', 'transfer-encoding': 'chunked', host: 'a', 'x-ok': ['1', '2'] }),
    ).toEqual({ host: 'a', 'x-ok': ['1', '2'] });
  });
});
